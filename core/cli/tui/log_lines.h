// The lines of the TUI's log view: the newest `capacity` kept, and which of them the screen shows.
// Following (the default) keeps the newest line at the bottom; scrolling up stops following, and
// scrolling back to the end (or End) follows again. No ncurses here: unit-tested.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

namespace phpeek::cli::tui {

class LogLines {
 public:
  explicit LogLines(size_t capacity = 5000) : capacity_(capacity) {}

  void Add(std::string line);
  void Clear();
  // Moves the view by `delta` lines (negative: back in time) for a window of `height` lines.
  void Scroll(long delta, size_t height);
  void FollowEnd() { following_ = true; }
  bool following() const { return following_; }
  size_t size() const { return lines_.size(); }

  // The lines a window of `height` shows, oldest first.
  std::vector<std::string> Window(size_t height) const;

 private:
  size_t FirstShown(size_t height) const;

  size_t capacity_;
  std::deque<std::string> lines_;
  bool following_ = true;
  size_t top_ = 0;  // index of the first line shown while not following
};

}  // namespace phpeek::cli::tui
