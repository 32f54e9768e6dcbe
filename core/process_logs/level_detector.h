// Level detection (`logging.level_detection`): the configured patterns, most severe level first
// (error, warn, info, debug), then the built-in formats (builtin_levels.h), then default_level.
// On by default; `enabled: false` gives every line default_level.
#pragma once

#include <string_view>

#include "core/config/logging_spec.h"
#include "core/process_logs/record.h"

namespace phpeek::process_logs {

Level ToLevel(config::LogLevel level);

class LevelDetector {
 public:
  // `spec` (with its compiled patterns) must outlive the detector.
  explicit LevelDetector(const config::LevelDetectionSpec& spec) : spec_(spec) {}

  Level Detect(std::string_view text) const;

 private:
  const config::LevelDetectionSpec& spec_;
};

}  // namespace phpeek::process_logs
