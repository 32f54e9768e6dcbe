// php-fpm's JSON status page: a real answer of php-fpm 8.2, and what is not one.
#include "plugins/metrics/fpm_status.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::metrics {
namespace {

// php-fpm 8.2's `/status?json` (pm static, 2 children, while it answered this very request).
const char* kPhpFpm82 =
    "{\"pool\":\"www\",\"process manager\":\"static\",\"start time\":1796597650,\"start "
    "since\":1,\"accepted conn\":7,\"listen queue\":3,\"max listen queue\":4,\"listen queue "
    "len\":511,\"idle processes\":1,\"active processes\":1,\"total processes\":2,\"max active "
    "processes\":1,\"max children reached\":5,\"slow requests\":6}";

TEST(FpmStatus, ReadsPhpFpmsAnswer) {
  FpmPoolStatus s;
  std::string err;
  ASSERT_TRUE(ParseFpmStatus(kPhpFpm82, &s, &err)) << err;
  EXPECT_EQ(s.accepted_connections, 7);
  EXPECT_EQ(s.listen_queue, 3);
  EXPECT_EQ(s.max_listen_queue, 4);
  EXPECT_EQ(s.idle_processes, 1);
  EXPECT_EQ(s.active_processes, 1);
  EXPECT_EQ(s.total_processes, 2);
  EXPECT_EQ(s.max_children_reached, 5);
  EXPECT_EQ(s.slow_requests, 6);
}

TEST(FpmStatus, RefusesWhatIsNotAStatusPage) {
  const std::string good = kPhpFpm82;
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  struct Case {
    std::string text, error;
  };
  const Case cases[] = {
      {"File not found.\n", "not php-fpm's status: invalid JSON at byte 0: "},
      {"", "not php-fpm's status: invalid JSON at byte 0: "},
      {"[1,2]", "not php-fpm's status: not a JSON object"},
      {"{}", "not php-fpm's status: \"active processes\" is missing"},
      {good.substr(0, good.size() / 2), "not php-fpm's status: invalid JSON at byte "},
      {replaced("\"slow requests\":6", "\"slow requests\":\"6\""),
       "not php-fpm's status: \"slow requests\" is not a non-negative integer"},
      {replaced("\"listen queue\":3", "\"listen queue\":-1"),
       "not php-fpm's status: \"listen queue\" is not a non-negative integer"},
      {replaced("\"accepted conn\":7", "\"accepted conn\":7.5"),
       "not php-fpm's status: \"accepted conn\" is not a non-negative integer"},
      {replaced("\"accepted conn\":7", "\"accepted conn\":99999999999999999999"),
       "not php-fpm's status: \"accepted conn\" is not a non-negative integer"},
      {replaced("\"idle processes\":1,", ""),
       "not php-fpm's status: \"idle processes\" is missing"},
  };
  for (const Case& c : cases) {
    FpmPoolStatus s;
    std::string err;
    EXPECT_FALSE(ParseFpmStatus(c.text, &s, &err)) << c.text;
    EXPECT_EQ(err.substr(0, c.error.size()), c.error) << c.text;
  }
}

}  // namespace
}  // namespace phpeek::metrics
