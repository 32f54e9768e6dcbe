#include "plugins/common/http/accept_failure_log.h"

#include <cstring>
#include <utility>

namespace phpeek::http {
namespace {

// "Too many open files (EMFILE)"
std::string Describe(int err) {
  const char* name = ::strerrorname_np(err);
  return std::string(std::strerror(err)) + " (" + (name ? name : std::to_string(err)) + ")";
}

std::string Failures(uint64_t n) { return std::to_string(n) + (n == 1 ? " failure" : " failures"); }

}  // namespace

AcceptFailureLog::AcceptFailureLog(std::string address, std::chrono::milliseconds pause)
    : address_(std::move(address)), pause_(pause) {}

std::string AcceptFailureLog::Failed(int err, Clock::time_point now) {
  failing_ = true;
  recovered_ = false;
  error_ = err;
  ++pending_;
  ++total_;
  return Flush(now);
}

std::string AcceptFailureLog::Succeeded(Clock::time_point now) {
  if (!failing_) return "";
  failing_ = false;
  recovered_ = true;
  return Flush(now);
}

std::string AcceptFailureLog::Flush(Clock::time_point now) {
  if (pending_ == 0 && !recovered_) return "";
  if (last_line_ && now - *last_line_ < kInterval) return "";
  last_line_ = now;
  std::string line;
  if (pending_ > 0) {
    line = "cannot accept connections on " + address_ + ": " + Describe(error_) + ", " +
           Failures(pending_) + " since the last report";
    if (failing_) {
      line += "; closing the connection idle longest to make room, else retrying every " +
              std::to_string(pause_.count()) + " ms";
    }
    pending_ = 0;
  }
  if (recovered_) {
    const bool alone = line.empty();
    line += (alone ? "" : "; ") + std::string("accepting connections again after ") +
            Failures(total_) + (alone ? " on " + address_ : "");
    recovered_ = false;
    total_ = 0;
  }
  return line;
}

std::optional<AcceptFailureLog::Clock::time_point> AcceptFailureLog::next_flush() const {
  if (pending_ == 0 && !recovered_) return std::nullopt;
  return last_line_ ? *last_line_ + kInterval : Clock::time_point{};
}

}  // namespace phpeek::http
