// The scheduled-job host services (ABI 1.1) as a plugin sees them, through the C function
// pointers: job_get, job_history, job_control, job_wait, the job members of process_list, and the
// JOB_RUN_* events in ABI terms.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/sink.h"
#include "core/schedule/scheduled_job.h"
#include "phpeek/plugin_abi.h"
#include "tests/unit/plugin_host/fake_control.h"
#include "tests/unit/plugin_host/host_fixture.h"
#include "tests/unit/schedule/time_text.h"

namespace phpeek::plugin_host {
namespace {

using schedule::AtWall;

// FakeControl with one job "cron" (run 1 finished with exit 0, run 2 active) and scripted answers.
class JobControl : public testing::FakeControl {
 public:
  JobReply ControlJob(JobOp op, std::string_view process, std::chrono::milliseconds wait) override {
    last_op = op;
    last_process = std::string(process);
    last_wait = wait;
    return reply;
  }
  std::optional<schedule::RunRecord> WaitForRun(std::string_view /*process*/, int64_t run_id,
                                                std::chrono::milliseconds timeout) override {
    waited = timeout;
    if (run_id == 1) return job->FindRun(1);
    return std::nullopt;  // run 2 stays active
  }

  std::shared_ptr<schedule::ScheduledJob> job;
  JobReply reply;
  std::optional<JobOp> last_op;
  std::string last_process;
  std::chrono::milliseconds last_wait{-1};
  std::chrono::milliseconds waited{-1};
};

class JobServicesTest : public HostFixture<JobControl> {
 protected:
  JobServicesTest() {
    schedule::JobSettings s;
    s.name = "cron";
    std::vector<schedule::CronProblem> problems;
    EXPECT_TRUE(schedule::ParseCronExpression("*/15 * * * *", &s.cron, &problems));
    control_.job = std::make_shared<schedule::ScheduledJob>(s, AtWall("2023-11-14T22:10:00Z"));
    EXPECT_TRUE(control_.job->Trigger(AtWall("2023-11-14T22:11:00Z")));
    control_.job->RunFinished(1, {0, std::nullopt, false}, AtWall("2023-11-14T22:11:02Z"));
    EXPECT_TRUE(control_.job->Trigger(AtWall("2023-11-14T22:12:00Z")));
    ProcessStatus cron;
    cron.name = "cron";
    cron.state = "running";
    cron.scale = 1;
    cron.job = control_.job;
    control_.SetProcesses({testing::WebProcess(), cron});
  }
};

TEST_F(JobServicesTest, TheTableHasTheJobServices) {
  EXPECT_TRUE(PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api_, job_wait));
  EXPECT_NE(api_->job_get, nullptr);
  EXPECT_NE(api_->job_history, nullptr);
  EXPECT_NE(api_->job_control, nullptr);
  EXPECT_NE(api_->job_wait, nullptr);
}

TEST_F(JobServicesTest, ProcessListCarriesTheJobMembers) {
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(&ctx_, o, e); }),
            PHPEEK_OK);
  EXPECT_NE(out_.find(R"("name":"cron","state":"running","scale":1,"ready":false,"instances":[],)"
                      R"("type":"scheduled","schedule":"*/15 * * * *","timezone":"UTC",)"
                      R"("schedule_state":"executing","next_run":1700000100,)"),
            std::string::npos)
      << out_;
  EXPECT_EQ(
      out_.find(
          R"("name":"web","state":"running","scale":2,"ready":false,"instances":[)"
          R"({"id":"web-0","state":"running","pid":100,"started_at":1700000000,)"
          R"("restart_count":0,"reloads":0,"last_exit_code":-1,"last_signal":0,"ready":false},)"
          R"({"id":"web-1","state":"running","pid":101,"started_at":1700000001,)"
          R"("restart_count":1,"reloads":0,"last_exit_code":-1,"last_signal":0,"ready":false}]})"),
      out_.find(R"({"name":"web")") + 1)
      << "a process without schedule has no job members: " << out_;
}

TEST_F(JobServicesTest, GetAndHistory) {
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->job_get(&ctx_, "cron", o, e); }),
      PHPEEK_OK);
  EXPECT_EQ(out_.rfind(R"({"schema":1,"name":"cron","schedule":"*/15 * * * *",)", 0), 0u) << out_;
  EXPECT_NE(out_.find(R"("active_runs":[2]})"), std::string::npos) << out_;

  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_history(&ctx_, "cron", 1, o, e);
            }),
            PHPEEK_OK);
  EXPECT_EQ(out_, R"({"schema":1,"name":"cron","runs":[{"id":2,"trigger":"manual",)"
                  R"("started_at":1699999920,"finished_at":null,"duration_ms":null,)"
                  R"("exit_code":null,"signal":null,"result":null}]})");
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_history(&ctx_, "cron", 0, o, e);
            }),
            PHPEEK_OK);
  EXPECT_NE(out_.find(R"("id":1,"trigger":"manual")"), std::string::npos) << out_;

  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->job_get(&ctx_, "web", o, e); }),
            PHPEEK_E_STATE);
  EXPECT_EQ(err_, "process 'web' is not a scheduled job (it has no schedule)");
  EXPECT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->job_history(&ctx_, "x", 0, o, e); }),
      PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->job_get(&ctx_, nullptr, o, e); }),
      PHPEEK_E_INVALID_ARGUMENT);
}

TEST_F(JobServicesTest, ControlPassesTheOpAndAnswersTheRunId) {
  control_.reply = {ControlResult::kAccepted, 7, ""};
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, PHPEEK_JOB_OP_TRIGGER, "cron", 2000, o, e);
            }),
            PHPEEK_OK);
  EXPECT_EQ(out_, R"({"schema":1,"run_id":7})");
  EXPECT_EQ(control_.last_op, JobOp::kTrigger);
  EXPECT_EQ(control_.last_process, "cron");
  EXPECT_EQ(control_.last_wait, std::chrono::milliseconds(2000));

  control_.reply = {ControlResult::kAccepted, 0, ""};
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, PHPEEK_JOB_OP_PAUSE, "cron", 0, o, e);
            }),
            PHPEEK_OK);
  EXPECT_EQ(out_, R"({"schema":1,"run_id":null})");
  EXPECT_EQ(control_.last_op, JobOp::kPause);
  Call([&](phpeek_sink* o, phpeek_sink* e) {
    return api_->job_control(&ctx_, PHPEEK_JOB_OP_RESUME, "cron", 0, o, e);
  });
  EXPECT_EQ(control_.last_op, JobOp::kResume);

  control_.reply = {ControlResult::kState, 0, "1 run(s) of 'cron' are active"};
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, PHPEEK_JOB_OP_TRIGGER, "cron", 2000, o, e);
            }),
            PHPEEK_E_STATE);
  EXPECT_EQ(err_, "1 run(s) of 'cron' are active");
  control_.reply = {ControlResult::kTimeout, 0, "queued"};
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, PHPEEK_JOB_OP_TRIGGER, "cron", 10, o, e);
            }),
            PHPEEK_E_TIMEOUT);
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, 99, "cron", 0, o, e);
            }),
            PHPEEK_E_UNSUPPORTED);
  stopping_ = true;
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_control(&ctx_, PHPEEK_JOB_OP_PAUSE, "cron", 0, o, e);
            }),
            PHPEEK_E_STOPPING);
}

TEST_F(JobServicesTest, WaitAnswersTheFinishedRunOrTimesOut) {
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_wait(&ctx_, "cron", 1, 500, o, e);
            }),
            PHPEEK_OK);
  EXPECT_EQ(out_, R"({"schema":1,"id":1,"trigger":"manual","started_at":1699999860,)"
                  R"("finished_at":1699999862,"duration_ms":2000,"exit_code":0,"signal":null,)"
                  R"("result":"success"})");
  EXPECT_EQ(control_.waited, std::chrono::milliseconds(500));
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_wait(&ctx_, "cron", 2, 10, o, e);
            }),
            PHPEEK_E_TIMEOUT);
  EXPECT_EQ(err_, "run 2 of 'cron' is still active");
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_wait(&ctx_, "cron", 9, 10, o, e);
            }),
            PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) {
              return api_->job_wait(&ctx_, "web", 1, 10, o, e);
            }),
            PHPEEK_E_STATE);
}

TEST(JobEventsTest, RunEventsInAbiTerms) {
  Event e;
  e.type = EventType::kJobRunFinished;
  e.process = "cron";
  e.pid = 4242;
  e.exit_code = -1;
  e.signal = 15;
  e.run_id = 3;
  e.run_trigger = "schedule";
  e.run_result = "timeout";
  e.duration_ms = 1500;
  auto a = ToAbiEvent(e);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_JOB_RUN_FINISHED));
  EXPECT_EQ(a->pid, 4242);
  EXPECT_EQ(a->signal, 15);
  EXPECT_EQ(a->detail_json, R"({"schema":1,"run_id":3,"trigger":"schedule","result":"timeout",)"
                            R"("duration_ms":1500,"exit_code":-1,"signal":15})");
  e.type = EventType::kJobRunStarted;
  a = ToAbiEvent(e);
  EXPECT_EQ(a->type, static_cast<uint32_t>(PHPEEK_EVENT_JOB_RUN_STARTED));
  EXPECT_EQ(a->pid, 4242);
  EXPECT_EQ(a->exit_code, -1);
  EXPECT_EQ(a->signal, 0);
  EXPECT_EQ(a->detail_json, R"({"schema":1,"run_id":3,"trigger":"schedule"})");
}

}  // namespace
}  // namespace phpeek::plugin_host
