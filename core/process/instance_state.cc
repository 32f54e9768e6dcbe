#include "core/process/instance_state.h"

namespace phpeek::process {
namespace {

using S = InstanceState;
using E = InstanceEvent;
using A = InstanceAction;

struct Row {
  S from;
  E event;
  S to;
  A action;
};

// Exits seen while stopping always land in kStopped: an intentional stop never restarts (a
// pending restart is the supervisor's kMarkRestart bookkeeping, applied after the row).
constexpr Row kTable[] = {
    {S::kStopped, E::kStart, S::kStarting, A::kSpawn},
    {S::kFailed, E::kStart, S::kStarting, A::kSpawn},
    {S::kCompleted, E::kStart, S::kStarting, A::kSpawn},
    {S::kBackoff, E::kStart, S::kStarting, A::kSpawn},
    {S::kStopping, E::kStart, S::kStopping, A::kMarkRestart},

    {S::kStarting, E::kSpawned, S::kRunning, A::kNone},
    {S::kStarting, E::kExitRestart, S::kStarting, A::kSpawn},
    {S::kStarting, E::kExitBackoff, S::kBackoff, A::kArmBackoff},
    {S::kStarting, E::kExitFailed, S::kFailed, A::kNone},
    {S::kStarting, E::kStop, S::kStopped, A::kNone},

    {S::kRunning, E::kExitRestart, S::kStarting, A::kSpawn},
    {S::kRunning, E::kExitBackoff, S::kBackoff, A::kArmBackoff},
    {S::kRunning, E::kExitFailed, S::kFailed, A::kNone},
    {S::kRunning, E::kExitCompleted, S::kCompleted, A::kNone},
    {S::kRunning, E::kExitEnded, S::kStopped, A::kNone},
    {S::kRunning, E::kStop, S::kStopping, A::kSignalStop},

    {S::kBackoff, E::kBackoffDone, S::kStarting, A::kSpawn},
    {S::kBackoff, E::kStop, S::kStopped, A::kNone},
    {S::kFailed, E::kStop, S::kStopped, A::kNone},
    {S::kCompleted, E::kStop, S::kStopped, A::kNone},

    {S::kStopping, E::kStopTimeout, S::kStopping, A::kKill},
    {S::kStopping, E::kExitRestart, S::kStopped, A::kNone},
    {S::kStopping, E::kExitBackoff, S::kStopped, A::kNone},
    {S::kStopping, E::kExitFailed, S::kStopped, A::kNone},
    {S::kStopping, E::kExitCompleted, S::kStopped, A::kNone},
    {S::kStopping, E::kExitEnded, S::kStopped, A::kNone},

    // A run its failing liveness check ended was stopped like any stop, but its end is judged like
    // an unintended exit, under the restart policy.
    {S::kStopping, E::kHealthRestart, S::kStarting, A::kSpawn},
    {S::kStopping, E::kHealthBackoff, S::kBackoff, A::kArmBackoff},
    {S::kStopping, E::kHealthFailed, S::kFailed, A::kNone},
};

}  // namespace

std::optional<Transition> Lookup(InstanceState state, InstanceEvent event) {
  for (const Row& row : kTable) {
    if (row.from == state && row.event == event) return Transition{row.to, row.action};
  }
  return std::nullopt;
}

bool HasProcess(InstanceState state) { return state == S::kRunning || state == S::kStopping; }

bool IsAtRest(InstanceState state) {
  return state == S::kStopped || state == S::kFailed || state == S::kCompleted;
}

const char* ToString(InstanceState state) {
  switch (state) {
    case S::kStopped:
      return "stopped";
    case S::kStarting:
      return "starting";
    case S::kRunning:
      return "running";
    case S::kBackoff:
      return "backoff";
    case S::kStopping:
      return "stopping";
    case S::kFailed:
      return "failed";
    case S::kCompleted:
      return "completed";
  }
  return "unknown";
}

const char* ToString(InstanceEvent event) {
  switch (event) {
    case E::kStart:
      return "start";
    case E::kSpawned:
      return "spawned";
    case E::kExitRestart:
      return "exit-restart";
    case E::kExitBackoff:
      return "exit-backoff";
    case E::kExitFailed:
      return "exit-failed";
    case E::kExitCompleted:
      return "exit-completed";
    case E::kExitEnded:
      return "exit-ended";
    case E::kBackoffDone:
      return "backoff-done";
    case E::kStop:
      return "stop";
    case E::kStopTimeout:
      return "stop-timeout";
    case E::kHealthRestart:
      return "health-restart";
    case E::kHealthBackoff:
      return "health-backoff";
    case E::kHealthFailed:
      return "health-failed";
  }
  return "unknown";
}

const char* ToString(InstanceAction action) {
  switch (action) {
    case A::kNone:
      return "none";
    case A::kSpawn:
      return "spawn";
    case A::kArmBackoff:
      return "arm-backoff";
    case A::kSignalStop:
      return "signal-stop";
    case A::kKill:
      return "kill";
    case A::kMarkRestart:
      return "mark-restart";
  }
  return "unknown";
}

}  // namespace phpeek::process
