// Switches that let the integration suite take, on the real binary, paths that production takes
// only under rare conditions. Read once from the environment when the supervisor is built; each
// one in effect is logged as a warning. Unset, they change nothing.
//   PHPEEK_PM_TEST_SPAWN=posix_spawn          spawn through posix_spawn, as on kernels before 5.9
//                                             or under a seccomp filter that refuses close_range
//   PHPEEK_PM_TEST_LOOP_STALL=AFTER_MS:FOR_MS block the loop thread once, AFTER_MS into the run,
//                                             for FOR_MS (shows that the systemd watchdog notices)
#pragma once

#include <chrono>

namespace phpeek::supervisor {

struct TestHooks {
  bool posix_spawn_only = false;
  std::chrono::milliseconds stall_after{0};
  std::chrono::milliseconds stall_for{0};  // zero: no stall
};

TestHooks TestHooksFromEnvironment();

}  // namespace phpeek::supervisor
