#include "core/supervisor/test_hooks.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/log/log.h"

namespace phpeek::supervisor {

TestHooks TestHooksFromEnvironment() {
  TestHooks hooks;
  if (const char* spawn = std::getenv("PHPEEK_PM_TEST_SPAWN")) {
    hooks.posix_spawn_only = std::string(spawn) == "posix_spawn";
    log::Warn("test hook in effect", {{"PHPEEK_PM_TEST_SPAWN", spawn}});
  }
  if (const char* stall = std::getenv("PHPEEK_PM_TEST_LOOP_STALL")) {
    long long after = 0, duration = 0;
    if (std::sscanf(stall, "%lld:%lld", &after, &duration) == 2 && after >= 0 && duration > 0) {
      hooks.stall_after = std::chrono::milliseconds(after);
      hooks.stall_for = std::chrono::milliseconds(duration);
    }
    log::Warn("test hook in effect", {{"PHPEEK_PM_TEST_LOOP_STALL", stall}});
  }
  if (const char* wall = std::getenv("PHPEEK_PM_TEST_WALL_CLOCK")) {
    long long start = 0;
    double speed = 0;
    if (std::sscanf(wall, "%lld:%lf", &start, &speed) == 2 && start >= 0 && speed > 0 &&
        speed <= 1e6) {
      hooks.wall_start = std::chrono::system_clock::time_point(std::chrono::seconds(start));
      hooks.wall_speed = speed;
    }
    log::Warn("test hook in effect", {{"PHPEEK_PM_TEST_WALL_CLOCK", wall}});
  }
  return hooks;
}

}  // namespace phpeek::supervisor
