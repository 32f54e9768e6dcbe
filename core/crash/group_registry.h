// The process groups the daemon supervises, kept where the crash handler (crash_handler.h) can read
// them with no lock and no allocation: a fixed table of (process group, stop signal) slots that the
// real spawner fills and the real reaper empties, with atomics only. Fakes in unit tests never
// touch it. A group that does not fit is still found by the handler (as a child of the daemon),
// then stopped with SIGTERM instead of its own stop signal.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace phpeek::crash {

enum class Registered {
  kYes,
  kFull,      // no free slot: the handler will treat it as a plain child
  kCrashing,  // a crash is being handled, which may not see it: the caller kills the group itself
};

// After a child starts: it leads process group `pgid` and stops on `stop_signal`. Thread-safe.
Registered RegisterGroup(pid_t pgid, int stop_signal);
// Once the group's leader has been reaped. Thread-safe; no-op for an unknown group.
void UnregisterGroup(pid_t pgid);

// The crash handler's side; async-signal-safe.
// From now on RegisterGroup answers kCrashing (and spawners refuse to start anything).
void MarkCrashing();
bool Crashing();
// Calls fn(pgid, stop_signal) for every registered group.
template <typename Fn>
void ForEachGroup(Fn&& fn);
bool IsRegisteredGroup(pid_t pgid);

namespace detail {
constexpr size_t kSlots = 16384;
// (pgid << 32) | stop_signal, or 0 for a free slot; valid below HighWater().
unsigned long long SlotValue(size_t index);
size_t HighWater();
}  // namespace detail

template <typename Fn>
void ForEachGroup(Fn&& fn) {
  const size_t high = detail::HighWater();
  for (size_t i = 0; i < high; ++i) {
    const unsigned long long v = detail::SlotValue(i);
    if (v != 0) fn(static_cast<pid_t>(v >> 32), static_cast<int>(v & 0xffffffffu));
  }
}

}  // namespace phpeek::crash
