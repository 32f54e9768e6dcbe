// One instance's lifecycle as an explicit transition table (state x event -> next state, action),
// in the manner of s6-supervise. The table is pure data: the supervisor turns what happened into
// an Event, looks up the row, and performs the Action. A (state, event) pair without a row is
// ignored, which is how duplicate or late events (a stop for an instance already stopped, a
// timer that raced an exit) stay harmless.
#pragma once

#include <optional>

namespace phpeek::process {

enum class InstanceState {
  kStopped,
  kStarting,
  kRunning,
  kBackoff,
  kStopping,
  kFailed,
  kCompleted
};

enum class InstanceEvent {
  kStart,          // wanted up: initial start, API start/restart, scale-up
  kSpawned,        // the program was executed
  kExitRestart,    // unintended end, restart at once (also a failed spawn)
  kExitBackoff,    // unintended end, restart after a delay
  kExitFailed,     // unintended end, given up
  kExitCompleted,  // oneshot exited 0
  kExitEnded,      // ended well, no restart wanted
  kBackoffDone,    // the restart delay elapsed
  kStop,           // intentional stop: API, scale-down, shutdown
  kStopTimeout,    // the shutdown timeout elapsed with the group still alive
  // A run stopped because its liveness check failed has ended: judged like an unintended end.
  kHealthRestart,  // restart at once
  kHealthBackoff,  // restart after a delay
  kHealthFailed,   // given up
};

enum class InstanceAction {
  kNone,
  kSpawn,        // queue a spawn (it happens once dependencies are ready)
  kArmBackoff,   // start the restart-delay timer
  kSignalStop,   // send shutdown.signal to the process group and arm the kill timer
  kKill,         // SIGKILL the process group
  kMarkRestart,  // start again once the current run has ended
};

struct Transition {
  InstanceState next;
  InstanceAction action;
};

std::optional<Transition> Lookup(InstanceState state, InstanceEvent event);

// True while a process of ours may exist for the instance.
bool HasProcess(InstanceState state);
// True for states the instance leaves only on a command.
bool IsAtRest(InstanceState state);

const char* ToString(InstanceState state);
const char* ToString(InstanceEvent event);
const char* ToString(InstanceAction action);

}  // namespace phpeek::process
