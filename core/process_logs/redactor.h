// Redaction (`logging.redaction`): every rule's pattern replaced in order, before anything else
// looks at the text (so no later stage, field or follower sees what was redacted). A text no rule
// matches is passed through without a copy.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/config/logging_spec.h"

namespace phpeek::process_logs {

class Redactor {
 public:
  // `rules` (compiled at config load) must outlive the redactor; empty: a no-op.
  explicit Redactor(const std::vector<config::RedactionRule>& rules) : rules_(rules) {}

  // `text` with every rule applied: a view of `text` itself when nothing matched, else of
  // `*scratch`.
  std::string_view Apply(std::string_view text, std::string* scratch) const;
  bool active() const { return !rules_.empty(); }

 private:
  const std::vector<config::RedactionRule>& rules_;
};

}  // namespace phpeek::process_logs
