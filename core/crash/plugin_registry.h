// Which plugin a crashing thread belongs to, answerable from a signal handler: a fixed table of the
// loaded plugins (name and executable segments), a thread-local "in a call into plugin N" marker
// that the plugin host sets around every call into a plugin, and a thread-local "host thread"
// marker for the daemon's own threads. A thread the plugin started itself is recognised by the
// plugin's code on its stack (see PluginOnStack).
#pragma once

#include <cstdint>
#include <string>

namespace phpeek::crash {

// Records the plugin whose library holds `address_in_plugin` (any of its functions): its name and
// the address ranges of its code. Returns its id, or -1 when the table is full. Not for a handler.
int RegisterPlugin(const std::string& name, const void* address_in_plugin);

// While alive, the calling thread is in a call into plugin `id` (-1: none). Nests.
class PluginCall {
 public:
  explicit PluginCall(int id);
  ~PluginCall();
  PluginCall(const PluginCall&) = delete;
  PluginCall& operator=(const PluginCall&) = delete;

 private:
  int previous_;
};

// The calling thread is one of the daemon's own: outside a PluginCall, a crash on it is never put
// down to a plugin found on its stack (stale return addresses of an earlier call could be there).
void MarkHostThread();

// The handler's side; async-signal-safe.
int CurrentPluginCall();  // the calling thread's PluginCall id, or -1
bool IsHostThread();
int PluginAt(uintptr_t pc);  // the plugin whose code holds `pc`, or -1
// The first plugin with a return address in the calling thread's stack above `sp` (read through
// process_vm_readv, so an unmapped page ends the scan instead of faulting), or -1.
int PluginOnStack(uintptr_t sp);
const char* PluginName(int id);  // "" for -1

}  // namespace phpeek::crash
