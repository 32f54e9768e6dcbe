// What a server logs when accept() fails. At the open-file limit (EMFILE) the pending connection
// stays queued and the listener stays readable, so a server that logs each failure and polls again
// at once spins and floods the log (thousands of lines in 0.1 s). The server makes room or pauses
// instead (server.h) and logs through this: at most one line a second, the first failure at once,
// later ones as a count ("12 failures since the last report"), a burst that stops reported in
// full once its second is over (Flush), and one line when accepting works again.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace phpeek::http {

class AcceptFailureLog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kInterval{1};

  // `address`: the listener's, for the lines; `pause`: how long the server waits before trying
  // again when it cannot make room.
  AcceptFailureLog(std::string address, std::chrono::milliseconds pause);

  // accept() failed with errno `err`: the line to log now, or "" (it is counted).
  std::string Failed(int err, Clock::time_point now);
  // accept() worked without the server closing a connection first: after failures, the line that
  // says so, now or at a later Flush; else "".
  std::string Succeeded(Clock::time_point now);
  // What is held back, once the interval since the last line has passed; else "".
  std::string Flush(Clock::time_point now);
  // When Flush will have a line; nullopt when nothing is held back.
  std::optional<Clock::time_point> next_flush() const;

 private:
  std::string address_;
  std::chrono::milliseconds pause_;
  std::optional<Clock::time_point> last_line_;
  bool failing_ = false;
  bool recovered_ = false;  // accepting works again, not yet said
  int error_ = 0;           // the latest failure's errno
  uint64_t pending_ = 0;    // failures not yet in a line
  uint64_t total_ = 0;      // failures since accepting last worked
};

}  // namespace phpeek::http
