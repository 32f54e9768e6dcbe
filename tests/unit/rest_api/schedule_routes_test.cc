// The scheduled-job routes of the API over an in-memory backend: answers and status codes,
// `limit` and `sync`, the host's "schema" left out, errors mapped, the cap on waiting triggers,
// and the job members of the process list.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/openapi_document.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace phpeek::rest {
namespace {

constexpr const char* kRun =
    R"({"id":3,"trigger":"manual","started_at":1700000000,"finished_at":1700000002,)"
    R"("duration_ms":2000,"exit_code":0,"signal":null,"result":"success"})";

// "web" and "queue" from FakeBackend, plus the job "cron".
class JobBackend : public testing::FakeBackend {
 public:
  control::BackendResult ListProcesses(std::string* json) override {
    *json = R"({"schema":1,"processes":[{"name":"cron","state":"stopped","scale":1,)"
            R"("instances":[],"type":"scheduled","schedule":"*/5 * * * *","timezone":"UTC",)"
            R"("schedule_state":"idle","next_run":1700000100,"last_run":null,)"
            R"("last_exit_code":null,"run_count":0,"last_duration_ms":null,)"
            R"("run_results":{"success":0,"failure":0,"timeout":0,"skipped":0}}]})";
    return {};
  }
  control::BackendResult GetSchedule(const std::string& name, std::string* json) override {
    if (control::BackendResult r = Check(name); r.code != control::BackendCode::kOk) return r;
    *json = R"({"schema":1,"name":"cron","schedule":"*/5 * * * *","timeout_ms":)" +
            std::string(timeout_ms) + "}";
    return {};
  }
  control::BackendResult GetHistory(const std::string& name, uint32_t limit,
                                    std::string* json) override {
    if (control::BackendResult r = Check(name); r.code != control::BackendCode::kOk) return r;
    last_limit = limit;
    *json = std::string(R"({"schema":1,"name":"cron","runs":[)") + kRun + "]}";
    return {};
  }
  control::BackendResult ControlJob(control::JobOp op, const std::string& name,
                                    int64_t* run_id) override {
    if (control::BackendResult r = Check(name); r.code != control::BackendCode::kOk) return r;
    {
      std::lock_guard<std::mutex> lock(mu);  // triggers come from several HTTP workers at once
      ops.push_back(op);
    }
    if (op == control::JobOp::kTrigger) {
      if (at_limit) return {control::BackendCode::kState, "1 run(s) of 'cron' are active"};
      *run_id = 3;
    }
    return {};
  }
  control::BackendResult WaitRun(const std::string& /*name*/, int64_t run_id,
                                 std::chrono::milliseconds timeout, std::string* json) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      waited_for = timeout;
    }
    EXPECT_EQ(run_id, 3);
    if (block) {  // holds the worker until released
      std::unique_lock<std::mutex> lock(mu);
      ++blocked;
      cv.notify_all();
      cv.wait(lock, [this] { return !block; });
    }
    if (still_active) return {control::BackendCode::kTimeout, "run 3 of 'cron' is still active"};
    *json = std::string(R"({"schema":1,)") + (kRun + 1);
    return {};
  }

  control::BackendResult Check(const std::string& name) {
    if (name == "cron") return {};
    if (name == "web")
      return {control::BackendCode::kState, "process 'web' is not a scheduled job"};
    return {control::BackendCode::kNotFound, "no process named '" + name + "'"};
  }

  const char* timeout_ms = "null";
  bool at_limit = false;
  bool still_active = false;
  std::vector<control::JobOp> ops;
  uint32_t last_limit = 99;
  std::chrono::milliseconds waited_for{0};
  std::mutex mu;
  std::condition_variable cv;
  bool block = false;
  int blocked = 0;
};

class ScheduleRoutesTest : public ::testing::Test {
 protected:
  http::HttpResponse Call(const std::string& method, const std::string& target) {
    http::HttpRequest r;
    r.method = method;
    r.target = target;
    return api_.Handle(r);
  }
  JobBackend backend_;
  Api api_{&backend_, ApiOptions{std::nullopt, 10, OpenApiDocument(), 2}};
};

TEST_F(ScheduleRoutesTest, ScheduleAndHistoryWithoutTheHostSchema) {
  auto r = Call("GET", "/api/v1/processes/cron/schedule");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"name":"cron","schedule":"*/5 * * * *","timeout_ms":null})");
  r = Call("GET", "/api/v1/processes/cron/schedule/history");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string(R"({"name":"cron","runs":[)") + kRun + "]}");
  EXPECT_EQ(backend_.last_limit, 0u);
  EXPECT_EQ(Call("GET", "/api/v1/processes/cron/schedule/history?limit=5").status, 200);
  EXPECT_EQ(backend_.last_limit, 5u);
  for (const char* bad : {"0", "-1", "x", "", "10001", "5%30", "99999999999"}) {
    r = Call("GET", std::string("/api/v1/processes/cron/schedule/history?limit=") + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_NE(r.body.find("limit must be a whole number from 1 to 10000"), std::string::npos)
        << r.body;
  }
}

TEST_F(ScheduleRoutesTest, ErrorsAreMapped) {
  auto r = Call("GET", "/api/v1/processes/nope/schedule");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"error":"process not found"})");
  r = Call("POST", "/api/v1/processes/web/schedule/trigger");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"error":"conflict","detail":"process 'web' is not a scheduled job"})");
  backend_.at_limit = true;
  r = Call("POST", "/api/v1/processes/cron/schedule/trigger");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("are active"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/processes/cron/schedule").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/processes/cron/schedule/trigger").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/processes/bad name/schedule").status, 400);
  // A backend without job services (a host older than ABI 1.1).
  testing::FakeBackend old;
  Api old_api{&old, ApiOptions{std::nullopt, 10, OpenApiDocument()}};
  http::HttpRequest req;
  req.method = "GET";
  req.target = "/api/v1/processes/web/schedule";
  EXPECT_EQ(old_api.Handle(req).status, 501);
}

TEST_F(ScheduleRoutesTest, PauseResumeAndTrigger) {
  auto r = Call("POST", "/api/v1/processes/cron/schedule/pause");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"schedule paused","process":"cron"})");
  r = Call("POST", "/api/v1/processes/cron/schedule/resume");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"message":"schedule resumed","process":"cron"})");
  r = Call("POST", "/api/v1/processes/cron/schedule/trigger");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"trigger initiated","process":"cron","run_id":3})");
  r = Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=false");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(backend_.ops,
            (std::vector<control::JobOp>{control::JobOp::kPause, control::JobOp::kResume,
                                         control::JobOp::kTrigger, control::JobOp::kTrigger}));
  EXPECT_EQ(Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=maybe").status, 400);
}

TEST_F(ScheduleRoutesTest, SyncTriggerAnswersTheEndedRun) {
  auto r = Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=true");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kRun);
  EXPECT_EQ(backend_.waited_for, std::chrono::hours(1));  // no schedule_timeout: an hour at most
  backend_.timeout_ms = "90000";
  EXPECT_EQ(Call("POST", "/api/v1/processes/cron/schedule/trigger?x=1&sync").status, 200);
  EXPECT_EQ(backend_.waited_for, std::chrono::milliseconds(150000));  // + 60 s of grace
  backend_.still_active = true;
  r = Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=1");
  EXPECT_EQ(r.status, 504);
  EXPECT_NE(r.body.find("run 3 is still active after 150 s"), std::string::npos) << r.body;
}

// Each waiting trigger holds an HTTP worker: past the cap (2 here) the answer is 503 at once.
TEST_F(ScheduleRoutesTest, WaitingTriggersAreCapped) {
  backend_.block = true;
  std::vector<std::thread> waiting;
  std::vector<int> statuses(2);
  for (int i = 0; i < 2; ++i) {
    waiting.emplace_back([this, i, &statuses] {
      statuses[i] = Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=true").status;
    });
  }
  {
    std::unique_lock<std::mutex> lock(backend_.mu);
    ASSERT_TRUE(backend_.cv.wait_for(lock, std::chrono::seconds(10),
                                     [this] { return backend_.blocked == 2; }));
  }
  auto r = Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=true");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("2 triggers with sync=true are already waiting"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/processes/cron/schedule/trigger").status, 202);  // not capped
  {
    std::lock_guard<std::mutex> lock(backend_.mu);
    backend_.block = false;
  }
  backend_.cv.notify_all();
  for (auto& t : waiting) t.join();
  EXPECT_EQ(statuses, (std::vector<int>{200, 200}));
  EXPECT_EQ(Call("POST", "/api/v1/processes/cron/schedule/trigger?sync=true").status, 200);
}

TEST_F(ScheduleRoutesTest, ProcessListShowsTheJobFields) {
  const auto r = Call("GET", "/api/v1/processes");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"processes":[{"name":"cron","state":"stopped","scale":1,"instances":[],)"
                    R"("type":"scheduled","schedule":"*/5 * * * *","schedule_state":"idle",)"
                    R"("next_run":1700000100,"last_run":null,"last_exit_code":null,)"
                    R"("run_count":0}]})");
}

}  // namespace
}  // namespace phpeek::rest
