// What the server logs when accept() fails. At the open-file limit (EMFILE) the pending connection
// stays queued and the listener stays readable, so a server that logs each failure and polls again
// at once spins and floods the log (thousands of lines in 0.1 s). The server pauses accepting
// instead (kAcceptPause) and logs through this: the first failure at once, then at most one line a
// second with the number of failures since the previous line, and one line when accepting works
// again.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace phpeek::rest {

constexpr std::chrono::milliseconds kAcceptPause{100};

class AcceptFailureLog {
 public:
  using Clock = std::chrono::steady_clock;

  // accept() failed with errno `err`: the line to log now, or "" (then it is counted).
  std::string Failed(int err, Clock::time_point now);
  // accept() worked: after failures, the line that says so; else "".
  std::string Succeeded();

 private:
  bool failing_ = false;
  Clock::time_point last_line_{};
  uint64_t since_last_line_ = 0;  // failures not yet in a line
  uint64_t total_ = 0;            // failures since accepting last worked
};

}  // namespace phpeek::rest
