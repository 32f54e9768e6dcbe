#include "core/process/output_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace phpeek::process {

void LineSplitter::Emit(std::string_view line, const LineSink& sink) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ++lines_;
  sink(line);
}

void LineSplitter::Feed(std::string_view data, const LineSink& sink) {
  while (!data.empty()) {
    const size_t nl = data.find('\n');
    const size_t room = max_line_ - partial_.size();
    if (nl != std::string_view::npos && nl <= room) {
      if (partial_.empty()) {
        Emit(data.substr(0, nl), sink);  // the common case: no copy
      } else {
        partial_.append(data.substr(0, nl));
        Emit(partial_, sink);
        partial_.clear();
      }
      data.remove_prefix(nl + 1);
      continue;
    }
    const size_t take = std::min(room, data.size());
    partial_.append(data.substr(0, take));
    data.remove_prefix(take);
    if (partial_.size() >= max_line_) {
      ++split_lines_;
      Emit(partial_, sink);
      partial_.clear();
    }
  }
}

void LineSplitter::Flush(const LineSink& sink) {
  if (partial_.empty()) return;
  Emit(partial_, sink);
  partial_.clear();
}

OutputReader::OutputReader(int fd, LineSink sink, size_t max_line)
    : fd_(fd), sink_(std::move(sink)), splitter_(max_line) {}

OutputReader::~OutputReader() { Close(); }

void OutputReader::Close() {
  if (fd_ < 0) return;
  splitter_.Flush(sink_);
  close(fd_);
  fd_ = -1;
}

OutputReader::Status OutputReader::OnReadable(size_t budget) {
  char buf[64 * 1024];  // a full pipe in one read
  size_t total = 0;
  while (fd_ >= 0 && total < budget) {
    const ssize_t n = read(fd_, buf, std::min(sizeof buf, budget - total));
    if (n > 0) {
      bytes_ += static_cast<uint64_t>(n);
      total += static_cast<size_t>(n);
      splitter_.Feed(std::string_view(buf, static_cast<size_t>(n)), sink_);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Status::kOpen;
    Close();  // EOF or a real error: either way nothing more will come
    return Status::kClosed;
  }
  return fd_ >= 0 ? Status::kOpen : Status::kClosed;
}

void OutputReader::Drain() {
  // Bounded: what the pipe holds is at most its capacity, but a grandchild may still hold the
  // write end and keep writing.
  OnReadable(1024 * 1024);
  Close();
}

}  // namespace phpeek::process
