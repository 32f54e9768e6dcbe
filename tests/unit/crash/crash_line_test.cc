// The crash handler's one line, rendered without the logger, must read like the logger's own
// lines: same prefix, same field quoting (text), same keys and escaping (JSON).
#include "core/crash/crash_line.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstring>
#include <ctime>
#include <regex>
#include <string>

#include "core/log/line_format.h"

namespace phpeek::crash {
namespace {

std::string Render(const CrashReport& r, bool json, long offset = 0) {
  char buf[1024];
  const size_t len = RenderCrashLine(r, json, offset, buf, sizeof buf);
  return std::string(buf, len);
}

CrashReport Terminate() {
  CrashReport r;
  r.signal = SIGABRT;
  r.cause = "std::terminate";
  r.exception = "bad \"input\"\n\tat line 3 = \x01 caf\xc3\xa9";
  r.thread = 4242;
  std::strcpy(r.thread_name, "my worker");
  r.plugin = "queue-bridge";
  r.plugin_via = "stack";
  r.groups = 12;
  r.kill_after_ms = 2000;
  return r;
}

TEST(CrashLine, TextHasTheLoggersPrefixAndQuoting) {
  const std::string line = Render(Terminate(), false, 3600 + 1800);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      line, m, std::regex(R"((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+01:30) error (.*)\n)")))
      << line;
  // What the logger would write for the same fields (bytes above ASCII aside: '?' here).
  const std::string expected =
      log::RenderText("daemon crashed; stopping every process",
                      {{"signal", "SIGABRT"},
                       {"cause", "std::terminate"},
                       {"exception", "bad \"input\"\n\tat line 3 = \x01 caf??"},
                       {"thread", 4242},
                       {"thread_name", "my worker"},
                       {"plugin", "queue-bridge"},
                       {"plugin_via", "stack"},
                       {"process_groups", 12},
                       {"kill_after_ms", 2000}});
  EXPECT_EQ(m[2].str(), expected.substr(0, expected.size() - (expected.back() == '\n')));
}

TEST(CrashLine, JsonHasTheLoggersKeysAndEscaping) {
  CrashReport r;
  r.signal = SIGSEGV;
  r.cause = "fault";
  r.has_address = true;
  r.fault_address = 0x10;
  r.thread = 7;
  r.groups = 0;
  r.kill_after_ms = 500;
  const std::string line = Render(r, true);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(
      line, m, std::regex(R"re(\{"time":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)",.*\}\n)re")))
      << line;
  const std::string expected =
      log::RenderJson(m[1].str(), log::Level::kError, "daemon crashed; stopping every process",
                      {{"signal", "SIGSEGV"},
                       {"cause", "fault"},
                       {"fault_address", "0x10"},
                       {"thread", 7},
                       {"process_groups", 0},
                       {"kill_after_ms", 500}});
  EXPECT_EQ(line, expected.back() == '\n' ? expected : expected + "\n");
}

TEST(CrashLine, SenderAndUnknownSignal) {
  CrashReport r;
  r.signal = 77;
  r.cause = "signal";
  r.sender = 1234;
  r.thread = 1;
  const std::string line = Render(r, false);
  EXPECT_NE(line.find(" signal=\"signal 77\" cause=signal sender_pid=1234 thread=1 "
                      "process_groups=0 kill_after_ms=0\n"),
            std::string::npos)
      << line;
}

TEST(CrashLine, ALongLineIsCutAndStillEndsTheLine) {
  CrashReport r = Terminate();
  const std::string huge(5000, 'x');
  r.exception = huge.c_str();
  char buf[200];
  const size_t len = RenderCrashLine(r, false, 0, buf, sizeof buf);
  EXPECT_EQ(len, sizeof buf);
  EXPECT_EQ(buf[len - 1], '\n');
}

TEST(CrashLine, TimeIsTheCurrentCalendarTime) {
  const std::string line = Render(Terminate(), true);
  char now[32];
  const time_t t = time(nullptr);
  tm utc{};
  gmtime_r(&t, &utc);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M", &utc);
  // The minute may turn between the two readings.
  const time_t later = t + 1;
  gmtime_r(&later, &utc);
  char next[32];
  strftime(next, sizeof next, "%Y-%m-%dT%H:%M", &utc);
  const std::string stamp = line.substr(9, 16);
  EXPECT_TRUE(stamp == now || stamp == next) << line << " vs " << now;
}

}  // namespace
}  // namespace phpeek::crash
