// The client's reading of the API's answers and its status table.
#include "core/cli/client/process_table.h"

#include <gtest/gtest.h>

#include "core/cli/client/api_client.h"

namespace phpeek::cli::client {
namespace {

// The list example of the Management API spec, plus a stopped process without instances.
const char kProcessList[] = R"({
  "processes": [
    {"name": "php-fpm", "state": "running", "scale": 2, "instances": [
      {"id": "php-fpm-0", "state": "running", "pid": 1234, "started_at": 1700000000,
       "restart_count": 0},
      {"id": "php-fpm-1", "state": "running", "pid": 1235, "started_at": 1700000001,
       "restart_count": 3}]},
    {"name": "idle", "state": "stopped", "scale": 1, "instances": []}
  ]
})";

TEST(ProcessTable, ParsesTheProcessList) {
  std::vector<ProcessRow> rows;
  std::string err;
  ASSERT_TRUE(ParseProcessList(kProcessList, &rows, &err)) << err;
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "php-fpm");
  EXPECT_EQ(rows[0].state, "running");
  EXPECT_EQ(rows[0].scale, 2);
  ASSERT_EQ(rows[0].instances.size(), 2u);
  EXPECT_EQ(rows[0].instances[1].id, "php-fpm-1");
  EXPECT_EQ(rows[0].instances[1].pid, 1235);
  EXPECT_EQ(rows[0].instances[1].started_at, 1700000001);
  EXPECT_EQ(rows[0].instances[1].restart_count, 3);
  EXPECT_EQ(rows[1].name, "idle");
  EXPECT_TRUE(rows[1].instances.empty());
}

TEST(ProcessTable, RendersAnAlignedTable) {
  std::vector<ProcessRow> rows;
  std::string err;
  ASSERT_TRUE(ParseProcessList(kProcessList, &rows, &err)) << err;
  EXPECT_EQ(RenderTable(rows, 1700000000 + 90061),
            "PROCESS  INSTANCE   STATE    PID   UPTIME       RESTARTS\n"
            "php-fpm  php-fpm-0  running  1234  1d 01:01:01  0\n"
            "php-fpm  php-fpm-1  running  1235  1d 01:01:00  3\n"
            "idle     -          stopped  -     -            -\n");
}

TEST(ProcessTable, FormatsUptimes) {
  EXPECT_EQ(FormatUptime(0), "00:00:00");
  EXPECT_EQ(FormatUptime(-5), "00:00:00");
  EXPECT_EQ(FormatUptime(3 * 3600 + 4 * 60 + 5), "03:04:05");
  EXPECT_EQ(FormatUptime(3 * 86400 + 4 * 3600 + 5 * 60 + 6), "3d 04:05:06");
}

TEST(ProcessTable, ParsesOneProcessAndToleratesOddMembers) {
  ProcessRow p;
  std::string err;
  ASSERT_TRUE(ParseProcess(R"({"name": "w", "state": "starting", "scale": "2", "extra": [1],)"
                           R"( "instances": [7, {"id": "w-0", "pid": -4, "restart_count": 1.5}]})",
                           &p, &err))
      << err;
  EXPECT_EQ(p.name, "w");
  EXPECT_EQ(p.scale, 0);  // not a number: shown as 0 rather than guessed
  ASSERT_EQ(p.instances.size(), 1u);
  EXPECT_EQ(p.instances[0].id, "w-0");
  EXPECT_EQ(p.instances[0].pid, 0);
  EXPECT_EQ(p.instances[0].restart_count, 0);
}

TEST(ProcessTable, RefusesWhatIsNotAnAnswer) {
  std::vector<ProcessRow> rows;
  ProcessRow p;
  std::string err;
  EXPECT_FALSE(ParseProcessList("<html>", &rows, &err));
  EXPECT_EQ(err,
            "cannot read the daemon's answer: invalid JSON at byte 0: unexpected character '<', "
            "expected a value");
  EXPECT_FALSE(ParseProcessList("[]", &rows, &err));
  EXPECT_EQ(err, "the daemon's answer is not a JSON object");
  EXPECT_FALSE(ParseProcessList(R"({"processes": {}})", &rows, &err));
  EXPECT_EQ(err, "the daemon's answer has no \"processes\" list");
  EXPECT_FALSE(ParseProcess(R"({"name": "x")", &p, &err));
  EXPECT_EQ(err,
            "cannot read the daemon's answer: invalid JSON at byte 12: unexpected end of input in "
            "an object");
}

TEST(ApiClient, EncodesPathSegments) {
  EXPECT_EQ(EncodePathSegment("web-1.a_b~"), "web-1.a_b~");
  EXPECT_EQ(EncodePathSegment("a b/c?%"), "a%20b%2Fc%3F%25");
  EXPECT_EQ(EncodePathSegment("\xC3\xA9"), "%C3%A9");
}

}  // namespace
}  // namespace phpeek::cli::client
