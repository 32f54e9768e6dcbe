// The client's reading of the jobs in the API's process list, its `jobs` table and JSON, and the
// run lookup of `trigger --wait`.
#include "core/cli/client/job_table.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

namespace phpeek::cli::client {
namespace {

const char kJobList[] = R"({"processes": [
  {"name": "web", "state": "running", "scale": 1, "instances": []},
  {"name": "backup", "state": "stopped", "scale": 1, "instances": [], "type": "scheduled",
   "schedule": "0 2 * * *", "schedule_state": "idle", "next_run": 1700010000,
   "last_run": 1699920000, "last_exit_code": 0, "run_count": 12},
  {"name": "sync", "state": "running", "scale": 1, "instances": [], "type": "scheduled",
   "schedule": "*/30 * * * *", "schedule_state": "paused", "next_run": null,
   "last_run": null, "last_exit_code": null, "run_count": 0}
]})";

// The table's times are local: the tests read them in UTC.
class JobTable : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = getenv("TZ");
    if (tz) saved_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  std::string saved_;
  bool had_tz_ = false;
};

TEST_F(JobTable, ParsesOnlyTheJobs) {
  std::vector<JobRow> jobs;
  std::string err;
  ASSERT_TRUE(ParseJobs(kJobList, &jobs, &err)) << err;
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].name, "backup");
  EXPECT_EQ(jobs[0].schedule, "0 2 * * *");
  EXPECT_EQ(jobs[0].next_run, 1700010000);
  EXPECT_EQ(jobs[0].last_exit_code, 0);
  EXPECT_EQ(jobs[0].run_count, 12);
  EXPECT_EQ(jobs[1].state, "paused");
  EXPECT_FALSE(jobs[1].next_run);
  EXPECT_FALSE(jobs[1].last_exit_code);
  EXPECT_FALSE(ParseJobs("[]", &jobs, &err));
  EXPECT_FALSE(ParseJobs(R"({"processes": 3})", &jobs, &err));
}

TEST_F(JobTable, RendersTimesInTheLocalZoneWithTheirDistance) {
  std::vector<JobRow> jobs;
  std::string err;
  ASSERT_TRUE(ParseJobs(kJobList, &jobs, &err));
  EXPECT_EQ(RenderJobTable(jobs, 1700000000),
            "NAME    SCHEDULE      STATE   NEXT RUN                     LAST RUN                 "
            "      LAST EXIT  RUNS\n"
            "backup  0 2 * * *     idle    2023-11-15 01:00:00 (in 2h)  2023-11-14 00:00:00 "
            "(22h ago)  0          12\n"
            "sync    */30 * * * *  paused  -                            -                        "
            "      -          0\n");
}

TEST_F(JobTable, JsonForScripts) {
  std::vector<JobRow> jobs;
  std::string err;
  ASSERT_TRUE(ParseJobs(kJobList, &jobs, &err));
  EXPECT_EQ(JobsJson(jobs),
            R"({"jobs":[{"name":"backup","schedule":"0 2 * * *","schedule_state":"idle",)"
            R"("next_run":1700010000,"last_run":1699920000,"last_exit_code":0,"run_count":12},)"
            R"({"name":"sync","schedule":"*/30 * * * *","schedule_state":"paused",)"
            R"("next_run":null,"last_run":null,"last_exit_code":null,"run_count":0}]})");
}

TEST(RelativeTime, LargestWholeUnit) {
  EXPECT_EQ(FormatRelative(100, 100), "now");
  EXPECT_EQ(FormatRelative(130, 100), "in 30s");
  EXPECT_EQ(FormatRelative(100 + 3599, 100), "in 59m");
  EXPECT_EQ(FormatRelative(100, 100 + 7200), "2h ago");
  EXPECT_EQ(FormatRelative(100 + 3 * 86400, 100), "in 3d");
}

TEST(FindRunTest, FindsTheRunAndItsOutcome) {
  const std::string history =
      R"({"name":"backup","runs":[{"id":4,"trigger":"manual","started_at":1,"finished_at":null,)"
      R"("duration_ms":null,"exit_code":null,"signal":null,"result":null},)"
      R"({"id":3,"trigger":"schedule","started_at":1,"finished_at":2,"duration_ms":1500,)"
      R"("exit_code":null,"signal":15,"result":"timeout"}]})";
  std::optional<RunRow> run;
  std::string err;
  ASSERT_TRUE(FindRun(history, 3, &run, &err)) << err;
  ASSERT_TRUE(run);
  EXPECT_EQ(run->result, "timeout");
  EXPECT_EQ(run->signal, 15);
  EXPECT_EQ(run->duration_ms, 1500);
  ASSERT_TRUE(FindRun(history, 4, &run, &err));
  EXPECT_EQ(run->result, "");  // still active
  ASSERT_TRUE(FindRun(history, 9, &run, &err));
  EXPECT_FALSE(run);
  EXPECT_FALSE(FindRun(R"({"name":"x"})", 1, &run, &err));
}

}  // namespace
}  // namespace phpeek::cli::client
