#include "core/process_logs/level_detector.h"

#include <re2/re2.h>

#include "core/process_logs/builtin_levels.h"

namespace phpeek::process_logs {

Level ToLevel(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::kDebug:
      return Level::kDebug;
    case config::LogLevel::kInfo:
      return Level::kInfo;
    case config::LogLevel::kWarn:
      return Level::kWarn;
    case config::LogLevel::kError:
      return Level::kError;
  }
  return Level::kInfo;
}

Level LevelDetector::Detect(std::string_view text) const {
  if (!spec_.enabled) return ToLevel(spec_.default_level);
  for (const auto& lp : spec_.patterns) {
    for (const auto& p : lp.patterns) {
      if (re2::RE2::PartialMatch(text, *p.re)) return ToLevel(lp.level);
    }
  }
  if (const auto builtin = DetectBuiltinLevel(text)) return *builtin;
  return ToLevel(spec_.default_level);
}

}  // namespace phpeek::process_logs
