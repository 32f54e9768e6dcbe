// The messages of a plugin-host helper's socket (frame.h) and what their fields are, in order.
// A request gets one kReply with the same id: status code, output, error text (and, for
// kLogFollow, the follow's id). Fields the
// receiver does not expect are a protocol error; both sides are the same binary, so there is no
// version negotiation.
#pragma once

#include <cstdint>

namespace phpeek::plugin_isolation {

enum Kind : uint32_t {
  // daemon -> helper
  kStart = 1,   // plugin name, library path, global JSON; reply: code, "", error (init + start)
  kEvent = 2,   // no reply; the AbiEvent fields (event_frame.h)
  kStop = 3,    // drain_ms; reply: stop's code (after destroy; the helper then exits 0)
  kPing = 4,    // reply: OK (answered by the helper's reader thread: a sign of life)
  kGlobal = 5,  // no reply; the reloaded global JSON, sent just before its CONFIG_RELOADED event
  // helper -> daemon: the host services that need the daemon (host_requests.h)
  kLog = 10,             // no reply; level, text
  kProcessList = 11,     // -
  kProcessGet = 12,      // name
  kProcessControl = 13,  // op, name, arg, timeout_ms
  kDaemonStatus = 14,    // -
  kJobGet = 15,          // name
  kJobHistory = 16,      // name, limit
  kJobControl = 17,      // op, name, timeout_ms
  kJobWait = 18,         // name, run_id, timeout_ms
  kConfigReload = 19,    // timeout_ms
  kLogRead = 20,         // process, instance, since, limit
  kLogFollow = 21,       // process, instance, since, limit, queue_lines; the reply adds the id
  kLogNext = 22,         // id, timeout_ms (answered when lines come, without a thread)
  kLogUnfollow = 23,     // id
  // either way
  kReply = 100,  // code, output, error text
};

// The socket of the helper is this descriptor in its process.
inline constexpr int kHelperFd = 3;

}  // namespace phpeek::plugin_isolation
