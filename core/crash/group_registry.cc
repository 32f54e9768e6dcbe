#include "core/crash/group_registry.h"

#include <atomic>
#include <cstdint>

namespace phpeek::crash {
namespace {

std::atomic<uint64_t> g_slots[detail::kSlots];
std::atomic<size_t> g_high{0};  // every used slot is below it
std::atomic<bool> g_crashing{false};

uint64_t Pack(pid_t pgid, int stop_signal) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(pgid)) << 32) |
         static_cast<uint32_t>(stop_signal);
}

bool TakeSlot(size_t i, uint64_t value) {
  uint64_t expected = 0;
  if (!g_slots[i].compare_exchange_strong(expected, value)) return false;
  size_t high = g_high.load();
  while (high < i + 1 && !g_high.compare_exchange_weak(high, i + 1)) {
  }
  return true;
}

// Where a group's search starts, in both directions: a group is found in a slot or two from its
// home, so a reap costs O(1) instead of a scan of every slot (O(n^2) for a mass exit of n).
size_t Home(pid_t pgid) {
  return static_cast<size_t>(static_cast<uint32_t>(pgid) * 2654435761u) % detail::kSlots;
}

}  // namespace

Registered RegisterGroup(pid_t pgid, int stop_signal) {
  if (pgid <= 0) return Registered::kFull;
  const uint64_t value = Pack(pgid, stop_signal);
  const size_t start = Home(pgid);
  bool taken = false;
  for (size_t n = 0; n < detail::kSlots && !taken; ++n) {
    taken = TakeSlot((start + n) % detail::kSlots, value);
  }
  // Sequentially consistent on both sides (the slot above, the flag here; the flag then the slots
  // in the handler): either the handler sees this group or this call sees the crash.
  if (g_crashing.load()) return Registered::kCrashing;
  return taken ? Registered::kYes : Registered::kFull;
}

void UnregisterGroup(pid_t pgid) {
  const size_t start = Home(pgid);
  for (size_t n = 0; n < detail::kSlots; ++n) {
    const size_t i = (start + n) % detail::kSlots;
    uint64_t v = g_slots[i].load();
    if (v != 0 && static_cast<pid_t>(v >> 32) == pgid && g_slots[i].compare_exchange_strong(v, 0)) {
      return;
    }
  }
}

void MarkCrashing() { g_crashing.store(true); }
bool Crashing() { return g_crashing.load(); }

bool IsRegisteredGroup(pid_t pgid) {
  bool found = false;
  ForEachGroup([&](pid_t g, int) { found = found || g == pgid; });
  return found;
}

namespace detail {
unsigned long long SlotValue(size_t index) { return g_slots[index].load(); }
size_t HighWater() { return g_high.load(); }
}  // namespace detail

}  // namespace phpeek::crash
