// Switches that let the integration suite take, on the real binary, paths that production takes
// only under rare conditions. Read once from the environment when the supervisor is built; each
// one in effect is logged as a warning. Unset, they change nothing.
//   PHPEEK_PM_TEST_SPAWN=posix_spawn          spawn through posix_spawn, as on kernels before 5.9
//                                             or under a seccomp filter that refuses close_range
//   PHPEEK_PM_TEST_LOOP_STALL=AFTER_MS:FOR_MS block the loop thread once, AFTER_MS into the run,
//                                             for FOR_MS (shows that the systemd watchdog notices)
//   PHPEEK_PM_TEST_WALL_CLOCK=START:SPEED     scheduled jobs read a wall clock that starts at
//                                             START (Unix seconds) and runs SPEED times faster
//                                             than real time (AcceleratedWallTime, time_source.h)
#pragma once

#include <chrono>
#include <optional>

namespace phpeek::supervisor {

struct TestHooks {
  bool posix_spawn_only = false;
  std::chrono::milliseconds stall_after{0};
  std::chrono::milliseconds stall_for{0};                           // zero: no stall
  std::optional<std::chrono::system_clock::time_point> wall_start;  // set: accelerated wall clock
  double wall_speed = 1;
};

TestHooks TestHooksFromEnvironment();

}  // namespace phpeek::supervisor
