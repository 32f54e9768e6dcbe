// A lifecycle event (phpeek_event) as the events stream sends it, one flat JSON object:
//   {"seq":12,"time":"2026-12-06T15:04:05.123Z","type":"exited","process":"web",
//    "instance":"web-0","pid":4242,"exit_code":-1,"signal":9}
// seq is the daemon's own event seq (the stream's id:); type the lower-case name of the event type
// (state_changed, spawned, exited, config_reloaded, shutting_down, health_changed, hook_finished,
// job_run_started, job_run_finished, dependency_blocked); then the members of the host's
// detail_json (plugin_abi.h: old_state/new_state, exit_code/signal, health, hook, run and
// dependency facts, a reload's "reload"), except "schema", "instance" (already there) and a
// reload's "global" (the configuration, tokens included, is not the stream's to show); "dropped"
// when events were lost before this one.
#pragma once

#include <cstdint>
#include <string>

#include "phpeek/plugin_abi.h"

namespace phpeek::control {

std::string EventJson(const phpeek_event& ev);

// "2026-12-06T15:04:05.123Z" for milliseconds since the Unix epoch.
std::string UtcTimestamp(int64_t unix_ms);

}  // namespace phpeek::control
