// The one log line the crash handler writes, rendered without allocating (async-signal-safe) in
// the daemon's log format: text as core/log writes it (time, level, message, key=value with the
// same quoting rules) or one JSON object with the same keys as core/log's JSON lines.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace phpeek::crash {

struct CrashReport {
  int signal = 0;
  const char* cause = "";  // "fault", "abort", "signal" (sent by another process), "std::terminate"
  pid_t sender = 0;        // cause "signal": who sent it
  bool has_address = false;  // a fault: the address it is about
  uintptr_t fault_address = 0;
  pid_t thread = 0;
  char thread_name[17] = {};
  const char* plugin = "";      // empty when the crash is not put down to a plugin
  const char* plugin_via = "";  // "call" (in a call into it), "code" (its code faulted), "stack"
  const char* exception = nullptr;  // std::terminate: what() of the exception, when there is one
  int groups = 0;                   // process groups being stopped
  int kill_after_ms = 0;
};

// "SIGSEGV" for the signals the handler takes; "signal N" otherwise (into `buf`).
const char* CrashSignalName(int sig, char* buf, size_t size);

// Renders the line into `buf` (always '\n'-terminated, cut short if needed); returns its length.
// `utc_offset_s` is the local time's offset, for the text format's time stamp.
size_t RenderCrashLine(const CrashReport& r, bool json, long utc_offset_s, char* buf, size_t size);

}  // namespace phpeek::crash
