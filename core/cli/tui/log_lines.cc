#include "core/cli/tui/log_lines.h"

#include <algorithm>

namespace phpeek::cli::tui {

void LogLines::Add(std::string line) {
  lines_.push_back(std::move(line));
  if (lines_.size() > capacity_) {
    lines_.pop_front();
    if (top_ > 0) --top_;  // the lines shown stay in place while scrolled back
  }
}

void LogLines::Clear() {
  lines_.clear();
  following_ = true;
  top_ = 0;
}

size_t LogLines::FirstShown(size_t height) const {
  const size_t last_top = lines_.size() > height ? lines_.size() - height : 0;
  return following_ ? last_top : std::min(top_, last_top);
}

void LogLines::Scroll(long delta, size_t height) {
  const long last_top = static_cast<long>(lines_.size() > height ? lines_.size() - height : 0);
  const long top = std::clamp(static_cast<long>(FirstShown(height)) + delta, 0L, last_top);
  top_ = static_cast<size_t>(top);
  following_ = top == last_top;
}

std::vector<std::string> LogLines::Window(size_t height) const {
  const size_t first = FirstShown(height);
  const size_t end = std::min(lines_.size(), first + height);
  return std::vector<std::string>(lines_.begin() + static_cast<long>(first),
                                  lines_.begin() + static_cast<long>(end));
}

}  // namespace phpeek::cli::tui
