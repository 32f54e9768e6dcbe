// Reading a child's stdout or stderr without ever blocking the loop. LineSplitter turns bytes into
// lines with a bounded buffer (a line longer than the bound is emitted in pieces, so a child that
// never writes a newline cannot grow our memory). OutputReader drains a non-blocking pipe with a
// per-wake-up byte budget, so one child writing as fast as it can gets its turn like the others and
// is slowed by its own full pipe (back-pressure) rather than slowing the supervisor.
//
// Forwarding never blocks the loop either, as long as the sink does not: the supervisor's sink
// hands each line to the logger, which only queues it (core/log/output_queue.h) and drops it,
// counted, when the daemon's own stdout is stalled. So a child is slowed by its full pipe only
// while the loop is busy or the daemon's stdout is slow but moving (the loop then reads less:
// core/supervisor/output_pipeline.h), never because nobody reads the daemon's stdout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace phpeek::process {

// Called on the reading thread (the supervisor loop) for each line; must not block.
using LineSink = std::function<void(std::string_view line)>;

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 16 * 1024) : max_line_(max_line) {}

  // Emits every complete line (without its "\n" or "\r\n"), and pieces of max_line bytes of a line
  // that outgrows the buffer.
  void Feed(std::string_view data, const LineSink& sink);
  // Emits what is left (a last line without newline).
  void Flush(const LineSink& sink);

  uint64_t lines() const { return lines_; }
  uint64_t split_lines() const { return split_lines_; }  // lines cut because they were too long

 private:
  void Emit(std::string_view line, const LineSink& sink);

  size_t max_line_;
  std::string partial_;
  uint64_t lines_ = 0;
  uint64_t split_lines_ = 0;
};

class OutputReader {
 public:
  enum class Status { kOpen, kClosed };

  // Takes ownership of `fd` (non-blocking read end).
  OutputReader(int fd, LineSink sink, size_t max_line = 16 * 1024);
  ~OutputReader();
  OutputReader(const OutputReader&) = delete;
  OutputReader& operator=(const OutputReader&) = delete;

  int fd() const { return fd_; }
  // Reads at most `budget` bytes. kClosed once the writer side is gone (the rest was flushed).
  Status OnReadable(size_t budget = 64 * 1024);
  // Reads what is buffered in the pipe right now, then flushes and closes.
  void Drain();
  uint64_t bytes() const { return bytes_; }
  const LineSplitter& splitter() const { return splitter_; }

 private:
  void Close();

  int fd_;
  LineSink sink_;
  LineSplitter splitter_;
  uint64_t bytes_ = 0;
};

}  // namespace phpeek::process
