// What the server logs while accept() fails: at most one line a second, with counts, the first at
// once, a burst that stops reported in full, and the recovery said once. Driven by a synthetic
// clock. (The cases of rest-api's accept_failure_log and metrics' report_throttle tests.)
#include "plugins/common/http/accept_failure_log.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace phpeek::http {
namespace {

using Clock = AcceptFailureLog::Clock;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

const char kFirst[] =
    "cannot accept connections on 127.0.0.1:9180: Too many open files (EMFILE), 1 failure since "
    "the last report; closing the connection idle longest to make room, else retrying every "
    "100 ms";

// 4000 failures in 0.1 s (what a spinning acceptor logged) make one line; then one line a second
// with the count since the previous one; then one line when accepting works again.
TEST(AcceptFailureLog, OneLineASecondWithACount) {
  AcceptFailureLog log("127.0.0.1:9180", milliseconds(100));
  const Clock::time_point t0{100s};
  EXPECT_EQ(log.Failed(EMFILE, t0), kFirst);
  EXPECT_FALSE(log.next_flush().has_value()) << "nothing held back";
  int lines = 0;
  for (int i = 1; i < 4000; ++i) lines += !log.Failed(EMFILE, t0 + milliseconds(i / 40)).empty();
  EXPECT_EQ(lines, 0);
  EXPECT_EQ(log.next_flush(), t0 + 1s);
  EXPECT_EQ(log.Flush(t0 + 999ms), "");
  EXPECT_EQ(log.Failed(EMFILE, t0 + 1s),
            "cannot accept connections on 127.0.0.1:9180: Too many open files (EMFILE), 4000 "
            "failures since the last report; closing the connection idle longest to make room, "
            "else retrying every 100 ms")
      << "the 3999 held back and this one";
  EXPECT_EQ(log.Failed(EMFILE, t0 + 1100ms), "");
  EXPECT_EQ(log.Failed(ENFILE, t0 + 2100ms)
                .find("cannot accept connections on 127.0.0.1:9180: "
                      "Too many open files in system (ENFILE), 2 "
                      "failures since"),
            0u);
  EXPECT_EQ(log.Succeeded(t0 + 3200ms),
            "accepting connections again after 4003 failures on 127.0.0.1:9180");
  EXPECT_EQ(log.Succeeded(t0 + 4300ms), "");
  EXPECT_FALSE(log.next_flush().has_value());
  EXPECT_EQ(log.Failed(EMFILE, t0 + 4400ms), kFirst) << "a new episode is reported at once";
}

TEST(AcceptFailureLog, AQuietTailIsFlushedOnceItsSecondIsOver) {
  AcceptFailureLog log("[::1]:9090", milliseconds(100));
  const Clock::time_point t0{100s};
  EXPECT_NE(log.Failed(EMFILE, t0), "");
  EXPECT_EQ(log.Failed(EMFILE, t0 + 10ms), "");
  EXPECT_EQ(log.Failed(EMFILE, t0 + 20ms), "");
  EXPECT_EQ(log.Flush(t0 + 1s).find("cannot accept connections on [::1]:9090: Too many open files "
                                    "(EMFILE), 2 failures since the last report"),
            0u);
  EXPECT_FALSE(log.next_flush().has_value());
  EXPECT_EQ(log.Flush(t0 + 5s), "");
  // Long after, a new failure is reported at once again.
  EXPECT_EQ(log.Failed(EMFILE, t0 + 60s)
                .find("cannot accept connections on [::1]:9090: Too many "
                      "open files (EMFILE), 1 failure since"),
            0u);
}

// Lines never come faster than one a second, also when accepting fails and recovers over and
// over (a server that hovers at its descriptor limit): the recovery is said with the next line.
TEST(AcceptFailureLog, RecoveriesDoNotEscapeTheLimit) {
  AcceptFailureLog log("127.0.0.1:9180", milliseconds(100));
  const Clock::time_point t0{100s};
  int lines = 0;
  for (int i = 0; i < 100; ++i) {  // a second of fail-recover every 10 ms
    lines += !log.Failed(EMFILE, t0 + milliseconds(10 * i)).empty();
    lines += !log.Succeeded(t0 + milliseconds(10 * i + 5)).empty();
  }
  EXPECT_EQ(lines, 1);
  EXPECT_EQ(log.next_flush(), t0 + 1s);
  const std::string line = log.Flush(t0 + 1s);
  EXPECT_EQ(line,
            "cannot accept connections on 127.0.0.1:9180: Too many open files (EMFILE), 99 "
            "failures since the last report; accepting connections again after 100 failures");
  EXPECT_EQ(log.Succeeded(t0 + 3s), "");
}

}  // namespace
}  // namespace phpeek::http
