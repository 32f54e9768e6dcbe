// The JSON of a job's schedule, history and process-list members, byte for byte: field names of
// lifecycle.md, Unix seconds, null for what is unset.
#include "core/schedule/job_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

using std::chrono::milliseconds;

ScheduledJob MakeJob(std::optional<milliseconds> timeout = std::nullopt) {
  JobSettings s;
  s.name = "cache-warmer";
  std::vector<CronProblem> problems;
  EXPECT_TRUE(ParseCronExpression("*/15 * * * *", &s.cron, &problems));
  std::string err;
  EXPECT_TRUE(TimeZone::Find("Europe/Berlin", &s.zone, &err)) << err;
  s.timeout = timeout;
  return ScheduledJob(s, AtWall("2023-11-14T22:10:00Z"));  // 1700000000 is 22:13:20
}

TEST(JobJsonTest, FreshJob) {
  const ScheduledJob job = MakeJob();
  // Next tick: 22:15Z = 1700000100.
  EXPECT_EQ(ScheduleJson(job),
            R"({"name":"cache-warmer","schedule":"*/15 * * * *","timezone":"Europe/Berlin",)"
            R"("schedule_state":"idle","next_run":1700000100,"last_run":null,)"
            R"("last_exit_code":null,"run_count":0,"last_duration_ms":null,)"
            R"("run_results":{"success":0,"failure":0,"timeout":0,"skipped":0},)"
            R"("max_concurrent":1,"timeout_ms":null,"active_runs":[]})");
  EXPECT_EQ(HistoryJson(job, 0), R"({"name":"cache-warmer","runs":[]})");
  json::Writer w;
  w.BeginObject();
  WriteJobListMembers(&w, job);
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"type":"scheduled","schedule":"*/15 * * * *","timezone":"Europe/Berlin",)"
                     R"("schedule_state":"idle","next_run":1700000100,"last_run":null,)"
                     R"("last_exit_code":null,"run_count":0,"last_duration_ms":null,)"
                     R"("run_results":{"success":0,"failure":0,"timeout":0,"skipped":0}})");
}

TEST(JobJsonTest, RunsActiveFinishedAndSkipped) {
  ScheduledJob job = MakeJob(milliseconds(90000));
  const WallTime tick = AtWall("2023-11-14T22:15:00Z") + milliseconds(400);
  ASSERT_TRUE(job.OnWake(tick).start);
  ASSERT_TRUE(job.OnWake(AtWall("2023-11-14T22:30:00Z")).skipped);
  EXPECT_EQ(ScheduleJson(job),
            R"({"name":"cache-warmer","schedule":"*/15 * * * *","timezone":"Europe/Berlin",)"
            R"("schedule_state":"executing","next_run":1700001900,"last_run":1700000100,)"
            R"("last_exit_code":null,"run_count":1,"last_duration_ms":null,)"
            R"("run_results":{"success":0,"failure":0,"timeout":0,"skipped":1},)"
            R"("max_concurrent":1,"timeout_ms":90000,"active_runs":[1]})");
  EXPECT_EQ(HistoryJson(job, 0),
            R"({"name":"cache-warmer","runs":[)"
            R"({"id":2,"trigger":"schedule","started_at":1700001000,"finished_at":1700001000,)"
            R"("duration_ms":0,"exit_code":null,"signal":null,"result":"skipped"},)"
            R"({"id":1,"trigger":"schedule","started_at":1700000100,"finished_at":null,)"
            R"("duration_ms":null,"exit_code":null,"signal":null,"result":null}]})");
  job.RunFinished(1, {std::nullopt, 15, true}, tick + milliseconds(90100));
  job.Pause();
  EXPECT_EQ(HistoryJson(job, 1),
            R"({"name":"cache-warmer","runs":[)"
            R"({"id":2,"trigger":"schedule","started_at":1700001000,"finished_at":1700001000,)"
            R"("duration_ms":0,"exit_code":null,"signal":null,"result":"skipped"}]})");
  const std::string history = HistoryJson(job, 0);
  EXPECT_NE(history.find(R"({"id":1,"trigger":"schedule","started_at":1700000100,)"
                         R"("finished_at":1700000190,"duration_ms":90100,"exit_code":null,)"
                         R"("signal":15,"result":"timeout"})"),
            std::string::npos)
      << history;
  json::Writer w;
  w.BeginObject();
  WriteJobListMembers(&w, job);
  w.EndObject();
  EXPECT_EQ(w.str(), R"({"type":"scheduled","schedule":"*/15 * * * *","timezone":"Europe/Berlin",)"
                     R"("schedule_state":"paused","next_run":null,"last_run":1700000100,)"
                     R"("last_exit_code":null,"run_count":1,"last_duration_ms":90100,)"
                     R"("run_results":{"success":0,"failure":0,"timeout":1,"skipped":1}})");
  ASSERT_TRUE(job.Trigger(AtWall("2023-11-14T22:40:00Z")));
  job.RunFinished(3, {0, std::nullopt, false}, AtWall("2023-11-14T22:40:02Z"));
  EXPECT_NE(HistoryJson(job, 1).find(R"("id":3,"trigger":"manual")"), std::string::npos);
  EXPECT_NE(ScheduleJson(job).find(R"("last_exit_code":0,"run_count":2)"), std::string::npos);
}

TEST(JobJsonTest, NamesAreEscaped) {
  JobSettings s;
  s.name = "a\"b";
  std::vector<CronProblem> problems;
  ASSERT_TRUE(ParseCronExpression("@daily", &s.cron, &problems));
  const ScheduledJob job(s, AtWall("2023-11-14T22:10:00Z"));
  EXPECT_NE(ScheduleJson(job).find(R"("name":"a\"b","schedule":"@daily","timezone":"UTC")"),
            std::string::npos);
}

}  // namespace
}  // namespace phpeek::schedule
