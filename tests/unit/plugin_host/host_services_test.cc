// The host services table as a plugin sees it, driven through the C function pointers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

#include "core/log/log.h"
#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/sink.h"
#include "phpeek/json.hpp"
#include "phpeek/plugin.hpp"
#include "tests/support/test_support.h"
#include "tests/unit/plugin_host/fake_control.h"
#include "tests/unit/plugin_host/host_fixture.h"

namespace phpeek::plugin_host {
namespace {

class HostServicesTest : public HostFixture<testing::FakeControl> {
 protected:
  HostServicesTest() : HostFixture(R"({"api_port":9180,"tags":["a","b"],"name":"x\"y"})") {}
};

TEST_F(HostServicesTest, TableDescribesThisHost) {
  EXPECT_EQ(api_->struct_size, sizeof(phpeek_host_api_v1));
  EXPECT_EQ(api_->abi_major, 1u);
  EXPECT_EQ(api_->abi_minor, 1u);
  EXPECT_STREQ(api_->host_version, PHPEEK_VERSION);
  EXPECT_STREQ(api_->status_name(PHPEEK_E_NOT_FOUND), "NOT_FOUND");
  EXPECT_STREQ(api_->status_name(12345), "INTERNAL");
}

TEST_F(HostServicesTest, ConfigGettersFollowJsonPointers) {
  auto json = [&](const char* p) {
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) { return api_->config_get_json(&ctx_, p, o, e); });
  };
  auto str = [&](const char* p) {
    return Call(
        [&](phpeek_sink* o, phpeek_sink* e) { return api_->config_get_string(&ctx_, p, o, e); });
  };
  EXPECT_EQ(json(""), PHPEEK_OK);
  EXPECT_EQ(out_, *global_.Get());
  EXPECT_EQ(json("/tags/1"), PHPEEK_OK);
  EXPECT_EQ(out_, "\"b\"");
  EXPECT_EQ(str("/name"), PHPEEK_OK);
  EXPECT_EQ(out_, "x\"y");
  EXPECT_EQ(str("/api_port"), PHPEEK_OK);
  EXPECT_EQ(out_, "9180");
  EXPECT_EQ(str("/tags"), PHPEEK_E_TYPE);
  EXPECT_EQ(err_, "global/tags is an object or array, not a scalar");
  EXPECT_EQ(json("/missing"), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "global/missing: '/missing' does not exist");
  EXPECT_EQ(json("missing"), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(api_->config_get_json(&ctx_, nullptr, nullptr, nullptr), PHPEEK_E_INVALID_ARGUMENT);
}

TEST_F(HostServicesTest, ProcessTableUsesTheManagementApiFieldNames) {
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "web", o, e); }),
      PHPEEK_OK);
  EXPECT_EQ(
      out_,
      R"({"schema":1,"name":"web","state":"running","scale":2,"ready":false,"instances":[)"
      R"({"id":"web-0","state":"running","pid":100,"started_at":1700000000,"restart_count":0,)"
      R"("reloads":0,"last_exit_code":-1,"last_signal":0,"ready":false},)"
      R"({"id":"web-1","state":"running","pid":101,"started_at":1700000001,"restart_count":1,)"
      R"("reloads":0,"last_exit_code":-1,"last_signal":0,"ready":false}]})");
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(&ctx_, o, e); }),
            PHPEEK_OK);
  EXPECT_EQ(out_.rfind(R"({"schema":1,"processes":[{"name":"web","state":"running")", 0), 0u);
  EXPECT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "db", o, e); }),
      PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no process named 'db'");
}

// ABI 1.1: readiness per process and instance, and an instance's health check with its counters.
TEST_F(HostServicesTest, ProcessTableCarriesHealthAndReadiness) {
  ProcessStatus web = testing::WebProcess();
  web.ready = true;
  web.instances[0].ready = true;
  HealthStatus h;
  h.health = "healthy";
  h.type = "http";
  h.mode = "both";
  h.consecutive_failures = 1;
  h.passed = 7;
  h.failed = 2;
  h.duration_sum = 0.25;
  h.duration_buckets = {0, 1, 5, 8, 9, 9, 9};
  h.last_failure = "status 503, expected 200";
  web.instances[0].health = h;
  control_.SetProcesses({web});
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "web", o, e); }),
      PHPEEK_OK);
  EXPECT_NE(out_.find(R"("scale":2,"ready":true,"instances")"), std::string::npos) << out_;
  EXPECT_NE(
      out_.find(R"("last_signal":0,"ready":true,"health":"healthy","health_check":{)"
                R"("type":"http","mode":"both","consecutive_failures":1,"passed":7,"failed":2,)"
                R"("duration_seconds_sum":0.25,"duration_seconds_buckets":[{"le":0.001,"count":0},)"
                R"({"le":0.01,"count":1},{"le":0.05,"count":5},{"le":0.1,"count":8},)"
                R"({"le":0.5,"count":9},{"le":1,"count":9},{"le":5,"count":9}],)"
                R"("last_failure":"status 503, expected 200"}})"),
      std::string::npos)
      << out_;
  EXPECT_NE(out_.find(R"("last_signal":0,"ready":false})"), std::string::npos)
      << "no health key without a check: " << out_;
}

// ABI 1.1: "waiting_for" while instances wait for dependencies, "reason" while blocked, "type"
// after the instances; none of them when unset.
TEST_F(HostServicesTest, DependencyKeysAndTypeAreInTheProcessTable) {
  ProcessStatus web = testing::WebProcess();
  web.type = "longrun";
  web.state = "blocked";
  web.waiting_for = {"php-fpm", "redis"};
  web.reason = "'redis' failed (exit code 1)";
  control_.SetProcesses({web});
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "web", o, e); }),
      PHPEEK_OK);
  EXPECT_EQ(out_.rfind(R"j({"schema":1,"name":"web","state":"blocked","scale":2,"ready":false,)j"
                       R"j("waiting_for":["php-fpm","redis"],)j"
                       R"j("reason":"'redis' failed (exit code 1)","instances":[)j",
                       0),
            0u)
      << out_;
  const std::string tail = R"(],"type":"longrun"})";
  ASSERT_GT(out_.size(), tail.size());
  EXPECT_EQ(out_.substr(out_.size() - tail.size()), tail) << out_;
}

// "php_fpm_status" as configured (the metrics plugin's pools), only for a process that has it.
TEST_F(HostServicesTest, PhpFpmStatusIsInTheProcessTableWhenConfigured) {
  ProcessStatus fpm = testing::WebProcess();
  fpm.name = "fpm";
  fpm.php_fpm_status = FpmStatusTarget{"unix:/run/php/fpm-{instance_index}.sock", "/status"};
  control_.SetProcesses({fpm, testing::WebProcess()});
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(&ctx_, o, e); }),
            PHPEEK_OK);
  EXPECT_EQ(testing::CountOf(out_, "php_fpm_status"), 1u) << out_;
  EXPECT_NE(out_.find(R"("php_fpm_status":{"address":"unix:/run/php/fpm-{instance_index}.sock",)"
                      R"("path":"/status"})"),
            std::string::npos)
      << out_;
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "fpm", o, e); }),
      PHPEEK_OK);
  EXPECT_NE(out_.find(R"("php_fpm_status":{"address":)"), std::string::npos) << out_;
}

// ABI 1.1: an instance's "reason", only when it has one.
TEST_F(HostServicesTest, AnInstanceReasonIsInTheProcessTableWhenThereIsOne) {
  ProcessStatus web = testing::WebProcess();
  web.instances[1].state = "failed";
  web.instances[1].reason = "pre_start hook 'migrate' failed: exit code 1";
  control_.SetProcesses({web});
  ASSERT_EQ(
      Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_get(&ctx_, "web", o, e); }),
      PHPEEK_OK);
  EXPECT_NE(out_.find(R"("last_signal":0,"ready":false},{"id":"web-1")"), std::string::npos)
      << out_;
  EXPECT_NE(
      out_.find(
          R"("last_signal":0,"ready":false,"reason":"pre_start hook 'migrate' failed: exit code 1"})"),
      std::string::npos)
      << out_;
}

// process_list is written once per snapshot generation and follows every publish.
TEST_F(HostServicesTest, ProcessListIsKeptUntilTheSnapshotChanges) {
  auto list = [&] {
    return Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->process_list(&ctx_, o, e); });
  };
  ASSERT_EQ(list(), PHPEEK_OK);
  const std::string first = out_;
  ASSERT_EQ(list(), PHPEEK_OK);
  EXPECT_EQ(out_, first);
  EXPECT_EQ(control_.snapshot_calls(), 1);
  ProcessStatus web = testing::WebProcess();
  web.instances[1].pid = 4242;
  control_.SetProcesses({web});
  ASSERT_EQ(list(), PHPEEK_OK);
  EXPECT_NE(out_.find(R"("pid":4242)"), std::string::npos) << out_;
  EXPECT_EQ(control_.snapshot_calls(), 2);
}

TEST_F(HostServicesTest, ControlMapsEveryOutcome) {
  auto control = [&](int32_t op, const char* name, int32_t arg) {
    return Call([&](phpeek_sink*, phpeek_sink* e) {
      return api_->process_control(&ctx_, op, name, arg, 0, e);
    });
  };
  EXPECT_EQ(control(PHPEEK_OP_RESTART, "web", 0), PHPEEK_OK);
  EXPECT_EQ(control(PHPEEK_OP_SCALE, "web", 5), PHPEEK_OK);
  ASSERT_EQ(control_.calls().size(), 2u);
  EXPECT_EQ(control_.calls()[1].op, ControlOp::kScale);
  EXPECT_EQ(control_.calls()[1].arg, 5);
  EXPECT_EQ(control(PHPEEK_OP_START, "db", 0), PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(err_, "no process 'db'");
  EXPECT_EQ(control(PHPEEK_OP_SCALE, "web", -1), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(control(77, "web", 0), PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(err_, "unknown control op 77");
  EXPECT_EQ(control(PHPEEK_OP_STOP, "", 0), PHPEEK_E_INVALID_ARGUMENT);
  control_.SetResult(ControlResult::kInvalidArgument);
  EXPECT_EQ(control(PHPEEK_OP_SCALE, "web", 1000), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "invalid argument 1000 for process 'web'");
  control_.SetScaleLimit(ScaleLimit{4, "max_scale"});
  EXPECT_EQ(control(PHPEEK_OP_SCALE, "web", 1000), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(err_, "scale 1000 exceeds max_scale 4 of process 'web'");
  control_.SetScaleLimit(std::nullopt);
  control_.SetResult(ControlResult::kStopping);
  EXPECT_EQ(control(PHPEEK_OP_STOP, "web", 0), PHPEEK_E_STOPPING);
  control_.SetResult(ControlResult::kAccepted);
  stopping_ = true;
  const size_t calls = control_.calls().size();
  EXPECT_EQ(control(PHPEEK_OP_STOP, "web", 0), PHPEEK_E_STOPPING);
  EXPECT_EQ(control_.calls().size(), calls);  // refused by the host, never reached the core
}

struct CallbackProbe {
  const phpeek_host_api_v1* api;
  phpeek_host* host;
  std::atomic<int32_t> blocking{-1};
  std::atomic<int32_t> fire_and_forget{-1};
};

void CallControlFromCallback(void* user, const phpeek_event*) {
  auto* p = static_cast<CallbackProbe*>(user);
  p->fire_and_forget = p->api->process_control(p->host, PHPEEK_OP_RESTART, "web", 0, 0, nullptr);
  p->blocking = p->api->process_control(p->host, PHPEEK_OP_RESTART, "web", 0, 1000, nullptr);
}

TEST_F(HostServicesTest, BlockingControlFromAnEventCallbackWouldBlock) {
  CallbackProbe probe{api_, &ctx_};
  uint64_t id = 0;
  ASSERT_EQ(api_->subscribe(&ctx_, PHPEEK_EVENT_MASK_ALL, CallControlFromCallback, &probe, &id),
            PHPEEK_OK);
  Event e;
  e.seq = 1;
  events_.Push(ToAbiEvent(e));
  ASSERT_TRUE(testing::WaitUntil([&] { return probe.blocking.load() != -1; }));
  EXPECT_EQ(probe.fire_and_forget.load(), PHPEEK_OK);
  EXPECT_EQ(probe.blocking.load(), PHPEEK_E_WOULD_BLOCK);
  EXPECT_EQ(api_->unsubscribe(&ctx_, id), PHPEEK_OK);
  EXPECT_EQ(api_->unsubscribe(&ctx_, id), PHPEEK_E_NOT_FOUND);
  // Outside a callback a timeout is fine.
  EXPECT_EQ(api_->process_control(&ctx_, PHPEEK_OP_RESTART, "web", 0, 1000, nullptr), PHPEEK_OK);
}

TEST_F(HostServicesTest, NullContextIsRefusedNotACrash) {
  EXPECT_EQ(api_->process_list(nullptr, nullptr, nullptr), PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(api_->process_control(nullptr, PHPEEK_OP_START, "web", 0, 0, nullptr),
            PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(api_->subscribe(nullptr, 1, CallControlFromCallback, nullptr, nullptr),
            PHPEEK_E_INVALID_ARGUMENT);
  api_->log(nullptr, PHPEEK_LOG_INFO, "x", 1);
  api_->log(&ctx_, 42, nullptr, 0);
}

// ABI 1.1: the daemon's own state, and the C++ wrapper's guard for a 1.0 table.
TEST_F(HostServicesTest, DaemonStatusDescribesThisDaemon) {
  ASSERT_TRUE(PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api_, daemon_status));
  const auto before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->daemon_status(&ctx_, o, e); }),
            PHPEEK_OK)
      << err_;
  json::Document parsed;
  std::string err;
  ASSERT_TRUE(parsed.Parse(out_, &err)) << err << out_;
  const json::Value doc = parsed.root();
  EXPECT_EQ(doc["schema"].AsInt64().value_or(0), 1);
  EXPECT_EQ(doc["version"].AsString().value_or(""), PHPEEK_VERSION);
  EXPECT_EQ(doc["pid"].AsInt64().value_or(0), getpid());
  const int64_t started = doc["started_at_ms"].AsInt64().value_or(0);
  EXPECT_LE(started, before_ms);
  EXPECT_GT(started, before_ms - 3600 * 1000);  // this test binary started it, moments ago
  EXPECT_EQ(doc["log_lines_dropped"].AsInt64().value_or(-1),
            static_cast<int64_t>(log::LinesDropped()));
  EXPECT_NE(out_.find(R"("ready":true,"waiting":[],"failed":[],)"), std::string::npos) << out_;
  // FakeControl has no reloads: the counters are there, at zero.
  EXPECT_NE(out_.find(R"("config_reloads":{"success":0,"failure":0},)"
                      R"("config_last_reload_success_ms":0})"),
            std::string::npos)
      << out_;
  control_.SetReadiness(ReadinessStatus{false, {"php-fpm", "nginx"}, {"redis"}});
  ASSERT_EQ(Call([&](phpeek_sink* o, phpeek_sink* e) { return api_->daemon_status(&ctx_, o, e); }),
            PHPEEK_OK);
  EXPECT_NE(out_.find(R"("ready":false,"waiting":["php-fpm","nginx"],"failed":["redis"],)"),
            std::string::npos)
      << out_;
  EXPECT_EQ(api_->daemon_status(nullptr, nullptr, nullptr), PHPEEK_E_INVALID_ARGUMENT);

  v1::Host host(api_, &ctx_);
  std::string json;
  EXPECT_TRUE(host.daemonStatus(&json).ok());
  EXPECT_EQ(json.rfind("{\"schema\":1,", 0), 0u) << json;
  phpeek_host_api_v1 v1_0 = *api_;  // what a 1.0 host hands out: the table ends before the member
  v1_0.struct_size = offsetof(phpeek_host_api_v1, daemon_status);
  json.clear();
  const v1::Status old = v1::Host(&v1_0, &ctx_).daemonStatus(&json);
  EXPECT_EQ(old.code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(json, "");
}

}  // namespace
}  // namespace phpeek::plugin_host
