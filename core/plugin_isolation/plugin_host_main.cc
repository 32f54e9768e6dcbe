#include "core/plugin_isolation/plugin_host_main.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/plugin_loader.h"
#include "core/plugin_host/sink.h"
#include "core/plugin_isolation/forwarding_services.h"
#include "core/plugin_isolation/helper_link.h"
#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {
namespace {

std::string Thrown() {
  try {
    throw;
  } catch (const std::exception& e) {
    return std::string("threw a C++ exception across the ABI boundary: ") + e.what();
  } catch (...) {
    return "threw a C++ exception across the ABI boundary";
  }
}

// Dies with the daemon: the parent is the daemon's thread that started this helper.
bool TieToParent(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[2], "--parent") != 0) return false;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  return getppid() == static_cast<pid_t>(std::atol(argv[3]));  // else it died already
}

// init then start, as PluginInstance does in the daemon; on failure the reason in *err.
int32_t InitAndStart(const plugin_host::LoadedPlugin& plugin, const phpeek_host_api_v1* services,
                     phpeek_host* host, void** self, std::string* err) {
  phpeek_sink sink = plugin_host::StringSink(err);
  const std::string config = "{\"schema\":1,\"global\":" + *host->global_json->Get() + "}";
  int32_t code = PHPEEK_E_INTERNAL;
  try {
    code = plugin.api.init(services, host, config.c_str(), config.size(), self, &sink);
  } catch (...) {
    *err = Thrown();
    return PHPEEK_E_INTERNAL;
  }
  if (code != PHPEEK_OK) {
    *err = "failed to initialise: " + *err + " (" + plugin_host::StatusName(code) + ")";
    return code;
  }
  try {
    code = plugin.api.start(*self, &sink);
  } catch (...) {
    *err = Thrown();
    code = PHPEEK_E_INTERNAL;
  }
  if (code != PHPEEK_OK) {
    if (err->rfind("threw", 0) != 0) {
      *err = "failed to start: " + *err + " (" + plugin_host::StatusName(code) + ")";
    }
    plugin.api.destroy(*self);
  }
  return code;
}

}  // namespace

int RunPluginHostHelper(int argc, char** argv) {
  if (!TieToParent(argc, argv)) {
    std::fputs("phpeek-pm plugin-host: started by the daemon only\n", stderr);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  HelperLink link(kHelperFd);
  Frame start;
  std::string err;
  if (!link.ReadFirst(&start, &err) || start.kind != kStart) return 1;
  FieldReader r(start);
  plugin_host::PluginRequest request;
  request.name = r.Str();
  request.path = r.Str();
  plugin_host::GlobalJson global_json(r.Str());
  if (!r.ok()) return 1;
  plugin_host::LoadedPlugin plugin;
  if (plugin_host::LoadPlugin(request, &plugin, &err) != plugin_host::LoadOutcome::kLoaded) {
    link.Reply(start.id, PHPEEK_E_INTERNAL, err);
    return 1;
  }
  plugin_host::EventDispatcher events(plugin.name, 1024);
  phpeek_host host;
  host.plugin_name = plugin.name;
  host.global_json = &global_json;
  host.events = &events;
  link.Run(&events, &global_json);
  void* self = nullptr;
  const int32_t code = InitAndStart(plugin, ForwardingServices(&link), &host, &self, &err);
  link.Reply(start.id, code, err);
  if (code != PHPEEK_OK) {
    events.Stop();
    std::_Exit(1);
  }
  uint64_t stop_id = 0;
  int64_t drain_ms = 0;
  link.WaitForStop(&stop_id, &drain_ms);
  events.Stop(std::chrono::milliseconds(drain_ms));
  int32_t stopped = PHPEEK_E_INTERNAL;
  std::string stop_err;
  try {
    stopped = plugin.api.stop(self);
    plugin.api.destroy(self);
  } catch (...) {
    stop_err = Thrown();
  }
  link.Reply(stop_id, stopped, stop_err);
  // Static destructors must not run under a thread the plugin may have left behind.
  std::_Exit(0);
}

}  // namespace phpeek::plugin_isolation
