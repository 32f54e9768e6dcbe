// The daemon's side of a helper's host-service requests: each kProcessList ... kLogUnfollow frame
// is answered by the very services table in-process plugins call (plugin_host::HostServices), with
// the plugin's own host context, so both modes give the same answers, errors and log lines.
#pragma once

#include "core/plugin_isolation/frame.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_isolation {

// The kReply for `request` (code E_INVALID_ARGUMENT for a malformed one, E_UNSUPPORTED for an
// unknown kind). kLog is written to the log and gets no reply: *reply is left alone, false.
bool ServeRequest(const Frame& request, phpeek_host* host, Frame* reply);

// Whether serving `request` may wait (job_control, job_wait and config_reload with
// timeout_ms > 0): such a request is served off the helper's link thread, which must never wait
// on the supervisor loop. A waiting log_next is not one of them: the link thread answers it when
// lines come (isolated_plugin.cc), and serves it here only when it need not wait.
bool MayBlock(const Frame& request);

}  // namespace phpeek::plugin_isolation
