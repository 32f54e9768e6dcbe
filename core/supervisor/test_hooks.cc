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
  return hooks;
}

}  // namespace phpeek::supervisor
