// A ProcessSpec for in-process supervisor tests: argv, scale and a short shutdown timeout.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"

namespace phpeek::testing {

inline config::ProcessSpec Proc(const std::string& name, std::vector<std::string> argv,
                                int scale = 1) {
  config::ProcessSpec p;
  p.name = name;
  p.command.argv = std::move(argv);
  p.scale = scale;
  p.shutdown.timeout = std::chrono::milliseconds(2000);
  return p;
}

}  // namespace phpeek::testing
