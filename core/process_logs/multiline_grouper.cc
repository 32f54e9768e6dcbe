#include "core/process_logs/multiline_grouper.h"

#include <re2/re2.h>

#include <utility>

namespace phpeek::process_logs {

MultilineGrouper::MultilineGrouper(const config::MultilineSpec& spec, Emit emit)
    : spec_(spec), emit_(std::move(emit)) {}

void MultilineGrouper::Push(std::string_view line, const LineTime& at) {
  const bool starts = spec_.start.re && re2::RE2::PartialMatch(line, *spec_.start.re);
  if (lines_ > 0 && (starts || text_.size() + 1 + line.size() > kMaxGroupBytes)) EmitPending();
  if (lines_ == 0) {
    first_ = at;
  } else {
    text_.push_back('\n');
  }
  text_.append(line);
  ++lines_;
  if (lines_ >= spec_.max_lines || text_.size() >= kMaxGroupBytes) EmitPending();
}

std::optional<MonoTime> MultilineGrouper::deadline() const {
  if (lines_ == 0) return std::nullopt;
  return first_.mono + spec_.timeout;
}

void MultilineGrouper::OnTimer(MonoTime now) {
  if (lines_ > 0 && now >= first_.mono + spec_.timeout) EmitPending();
}

void MultilineGrouper::Flush() {
  if (lines_ > 0) EmitPending();
}

void MultilineGrouper::EmitPending() {
  lines_ = 0;
  emit_(text_, first_.wall);
  text_.clear();
}

}  // namespace phpeek::process_logs
