// `logging.min_level` and `logging.filters`: a line below min_level is dropped; then a line
// matching any `exclude` pattern; then, when `include` is given, a line matching none of it.
// Patterns are matched against the whole (redacted) entry, JSON text included, so a filter can
// name a JSON member (`'"path":"/health"'`).
#pragma once

#include <string_view>

#include "core/config/logging_spec.h"
#include "core/process_logs/record.h"

namespace phpeek::process_logs {

class LineFilter {
 public:
  // `spec` (with its compiled patterns) must outlive the filter.
  explicit LineFilter(const config::LoggingSpec& spec);

  bool Keep(std::string_view text, Level level) const;

 private:
  const config::LoggingSpec& spec_;
  int min_level_;
};

}  // namespace phpeek::process_logs
