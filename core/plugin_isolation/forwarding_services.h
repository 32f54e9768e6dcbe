// The host services table inside a plugin-host helper: the same phpeek_host_api_v1 the daemon
// hands its in-process plugins, whose calls that need the daemon (process table, control, daemon
// status, jobs, log) go over the link as requests and wait for the answer. What needs no daemon is
// answered in the helper with the daemon's own code: subscriptions go to the helper's
// EventDispatcher (fed by the daemon's kEvent frames), configuration reads to the `global:` JSON
// that kStart carried (it never changes while a daemon runs), status names from the table. The
// blocking calls from an event callback give E_WOULD_BLOCK here, as in the daemon.
#pragma once

#include "core/plugin_isolation/helper_link.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_isolation {

// One helper hosts one plugin: the table forwards over `link`, which must outlive every call.
const phpeek_host_api_v1* ForwardingServices(HelperLink* link);

}  // namespace phpeek::plugin_isolation
