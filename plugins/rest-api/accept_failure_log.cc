#include "plugins/rest-api/accept_failure_log.h"

#include <cstring>

namespace phpeek::rest {
namespace {

std::string Describe(int err) {
  const char* name = ::strerrorname_np(err);
  return std::string(std::strerror(err)) + " (" + (name ? name : std::to_string(err)) + ")";
}

}  // namespace

std::string AcceptFailureLog::Failed(int err, Clock::time_point now) {
  ++total_;
  ++since_last_line_;
  if (!failing_) {
    failing_ = true;
    last_line_ = now;
    since_last_line_ = 0;
    return "accept failed: " + Describe(err) + "; new connections wait in the listen queue, " +
           "retrying every " + std::to_string(kAcceptPause.count()) + " ms";
  }
  if (now - last_line_ < std::chrono::seconds(1)) return "";
  std::string line = "accept still failing: " + Describe(err) + ", " +
                     std::to_string(since_last_line_) + " times since the last report";
  last_line_ = now;
  since_last_line_ = 0;
  return line;
}

std::string AcceptFailureLog::Succeeded() {
  if (!failing_) return "";
  std::string line =
      "accepting connections again after " + std::to_string(total_) + " failed accept calls";
  failing_ = false;
  since_last_line_ = 0;
  total_ = 0;
  return line;
}

}  // namespace phpeek::rest
