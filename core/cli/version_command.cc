#include <cstdio>

#include "core/cli/commands.h"

namespace phpeek::cli {

int RunVersion() {
  std::printf("phpeek-pm %s\n", PHPEEK_VERSION);
  return 0;
}

}  // namespace phpeek::cli
