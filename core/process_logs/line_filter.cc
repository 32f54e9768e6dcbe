#include "core/process_logs/line_filter.h"

#include <re2/re2.h>

#include "core/process_logs/level_detector.h"

namespace phpeek::process_logs {

LineFilter::LineFilter(const config::LoggingSpec& spec)
    : spec_(spec), min_level_(spec.min_level ? static_cast<int>(ToLevel(*spec.min_level)) : 0) {}

bool LineFilter::Keep(std::string_view text, Level level) const {
  if (static_cast<int>(level) < min_level_) return false;
  for (const auto& p : spec_.exclude) {
    if (re2::RE2::PartialMatch(text, *p.re)) return false;
  }
  if (spec_.include.empty()) return true;
  for (const auto& p : spec_.include) {
    if (re2::RE2::PartialMatch(text, *p.re)) return true;
  }
  return false;
}

}  // namespace phpeek::process_logs
