// Children that belong to the daemon itself rather than to the supervisor: the plugin-host helpers
// of plugins with `isolation: process` (core/plugin_isolation/). The engine reaps every child
// (waitpid(-1)); it hands a helper's exit over to this registry instead of treating it as an
// orphan, never signals a helper as a leftover, and does not wait for helpers before it returns:
// the plugin host stops them after the run. Thread-safe: helpers are started and waited for on
// the plugin host's threads, reaped on the loop thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>

namespace phpeek::process {

namespace helper_children {

// Runs `spawn` (which returns the new pid, or -1) and registers its pid in one step, so that an
// exit the loop reaps at once is not taken for an orphan's.
pid_t SpawnRegistered(const std::function<pid_t()>& spawn);
// Whether `pid` is a registered helper that has not been reaped yet.
bool Owns(pid_t pid);
// Whether any helper is registered.
bool Any();
// The loop reaped `pid` with `status`: true (and the status is kept) when it is a helper.
bool OnExit(pid_t pid, int status);
// The waitpid status of helper `pid` once it has exited (reaping it here when no loop does), or
// nullopt at `deadline`. The pid is forgotten once its status has been returned.
std::optional<int> WaitExit(pid_t pid, std::chrono::steady_clock::time_point deadline);

}  // namespace helper_children

}  // namespace phpeek::process
