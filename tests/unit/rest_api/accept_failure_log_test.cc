#include "plugins/rest-api/accept_failure_log.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace phpeek::rest {
namespace {

using Clock = AcceptFailureLog::Clock;
using std::chrono::milliseconds;

// 4000 failures in 0.1 s (what a spinning acceptor logged) make one line; then one line a second
// with the count since the previous one; then one line when accepting works again.
TEST(AcceptFailureLog, OneLineASecondWithACount) {
  AcceptFailureLog log;
  const Clock::time_point t0{};
  const std::string first = log.Failed(EMFILE, t0);
  EXPECT_NE(first.find("accept failed: Too many open files (EMFILE)"), std::string::npos) << first;
  EXPECT_NE(first.find("retrying every 100 ms"), std::string::npos) << first;
  int lines = 0;
  for (int i = 1; i < 4000; ++i) lines += !log.Failed(EMFILE, t0 + milliseconds(i / 40)).empty();
  EXPECT_EQ(lines, 0);
  const std::string later = log.Failed(EMFILE, t0 + milliseconds(1000));
  EXPECT_EQ(later,
            "accept still failing: Too many open files (EMFILE), 4000 times since the last "
            "report");
  EXPECT_EQ(log.Failed(EMFILE, t0 + milliseconds(1100)), "");
  EXPECT_EQ(log.Failed(ENFILE, t0 + milliseconds(2100))
                .find("accept still failing: Too many open "
                      "files in system (ENFILE), 2 times"),
            0u);
  EXPECT_EQ(log.Succeeded(), "accepting connections again after 4003 failed accept calls");
  EXPECT_EQ(log.Succeeded(), "");
  EXPECT_NE(log.Failed(EMFILE, t0 + milliseconds(2200)).find("accept failed"), std::string::npos)
      << "a new episode is reported at once";
}

}  // namespace
}  // namespace phpeek::rest
