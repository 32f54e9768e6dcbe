#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/log/log.h"
#include "tests/support/test_support.h"

namespace phpeek::log {
namespace {

// Runs `body` with stdout redirected to a file and returns what it wrote.
template <typename F>
std::string CaptureStdout(F body) {
  testing::TempDir dir;
  const std::string path = dir.Join("out");
  std::fflush(stdout);
  const int saved = dup(1);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 1);
  close(fd);
  body();
  EXPECT_TRUE(FlushAndWait(std::chrono::seconds(5), std::chrono::seconds(5)));
  dup2(saved, 1);
  close(saved);
  return testing::ReadFile(path);
}

TEST(LoggerTest, JsonLinesCarryTimeLevelMessageAndTypedFields) {
  const std::string out = CaptureStdout([] {
    Configure(Format::kJson, Level::kInfo);
    Info("spawned \"x\"", {{"process", "web"}, {"pid", 42}});
  });
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  Poco::JSON::Parser parser;
  auto obj = parser.parse(out).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(obj->getValue<std::string>("level"), "info");
  EXPECT_EQ(obj->getValue<std::string>("msg"), "spawned \"x\"");
  EXPECT_EQ(obj->getValue<std::string>("process"), "web");
  EXPECT_EQ(obj->getValue<int>("pid"), 42);
  EXPECT_TRUE(obj->get("pid").isInteger());
  EXPECT_EQ(obj->getValue<std::string>("time").size(), 24u);  // 2026-01-02T03:04:05.678Z
}

TEST(LoggerTest, LevelThresholdDropsLowerLevels) {
  const std::string out = CaptureStdout([] {
    Configure(Format::kText, Level::kWarn);
    Info("hidden");
    Debug("hidden too");
    Warn("shown", {{"key", "a b"}});
  });
  EXPECT_EQ(out.find("hidden"), std::string::npos);
  EXPECT_NE(out.find("shown key=\"a b\""), std::string::npos);
  EXPECT_NE(out.find("warn"), std::string::npos);
}

// The text prefix is the one spdlog's pattern "%Y-%m-%dT%H:%M:%S.%e%z %-5l %v" wrote (local
// time with offset, the level padded to 5), and a line written with its own time (a child's line,
// stamped when read) carries that time.
TEST(LoggerTest, TextLinesCarryTheirOwnLocalTimeAndThePaddedLevel) {
  ::setenv("TZ", "IST-5:30", 1);
  ::tzset();
  const auto at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1796569445123));
  const std::string out = CaptureStdout([&] {
    Configure(Format::kText, Level::kDebug);
    const Field process("process", "web");
    WriteAt(Level::kInfo, at, "read from a child", std::span<const Field>(&process, 1));
    WriteAt(Level::kWarn, at + std::chrono::seconds(1), "later", std::span<const Field>());
    WriteAt(Level::kError, at + std::chrono::seconds(2), "", std::span<const Field>());
  });
  ::unsetenv("TZ");
  ::tzset();
  EXPECT_EQ(out,
            "2026-12-06T20:34:05.123+05:30 info  read from a child process=web\n"
            "2026-12-06T20:34:06.123+05:30 warning later\n"
            "2026-12-06T20:34:07.123+05:30 error \"\"\n");
}

TEST(LoggerTest, InvalidUtf8FromChildrenStillGivesValidJson) {
  const std::string out = CaptureStdout([] {
    Configure(Format::kJson, Level::kDebug);
    Info("bad \xFF byte", {{"stream", "stdout"}});
  });
  Poco::JSON::Parser parser;
  EXPECT_NO_THROW(parser.parse(out));
}

TEST(LoggerTest, TextLinesCannotBeForgedByAChild) {
  const char kForged[] = "ok\r\x1b[2K\x1b[31mFAKE\0 process=nginx level=error";
  const std::string forged(kForged, sizeof kForged - 1);
  const std::string out = CaptureStdout([&] {
    Configure(Format::kText, Level::kInfo);
    Info(forged, {{"process", "web"}, {"stream", "stdout"}});
  });
  EXPECT_NE(out.find(" info  \"ok\\r\\u001b[2K\\u001b[31mFAKE\\u0000 process=nginx level=error\" "
                     "process=web stream=stdout\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find('\r'), std::string::npos);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\0'), std::string::npos);
}

TEST(LoggerTest, ABatchingThreadStillSendsAnErrorAtOnce) {
  testing::TempDir dir;
  const std::string path = dir.Join("out");
  std::fflush(stdout);
  const int saved = dup(1);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(fd, 1);
  close(fd);
  Configure(Format::kText, Level::kInfo);
  SetBatching(true);
  Info("batched first");
  Error("urgent");
  // No Flush(): the error hands the batch over by itself, the earlier line first.
  const bool written = testing::WaitUntil(
      [&] { return testing::ReadFile(path).find("urgent") != std::string::npos; });
  SetBatching(false);
  FlushAndWait(std::chrono::seconds(5), std::chrono::seconds(5));
  dup2(saved, 1);
  close(saved);
  const std::string out = testing::ReadFile(path);
  EXPECT_TRUE(written) << out;
  EXPECT_LT(out.find("batched first"), out.find("urgent")) << out;
}

}  // namespace
}  // namespace phpeek::log
