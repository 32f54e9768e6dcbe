// A helper's requests are answered by the daemon's own services table: same codes, same texts.
#include "core/plugin_isolation/host_requests.h"

#include <gtest/gtest.h>

#include <atomic>

#include "core/plugin_host/host_context.h"
#include "core/plugin_isolation/protocol.h"
#include "core/process_logs/history.h"
#include "tests/unit/plugin_host/fake_control.h"

namespace phpeek::plugin_isolation {
namespace {

class HostRequestsTest : public ::testing::Test {
 protected:
  HostRequestsTest() {
    control_.SetProcesses({testing::WebProcess()});
    host_.plugin_name = "remote";
    host_.control = &control_;
    host_.global_json = &global_;
    host_.host_stopping = &stopping_;
  }
  // The reply's code, output and error.
  struct Answer {
    int64_t code;
    std::string out, err;
  };
  Answer Serve(const Frame& request) {
    Frame reply;
    EXPECT_TRUE(ServeRequest(request, &host_, &reply));
    EXPECT_EQ(reply.kind, kReply);
    EXPECT_EQ(reply.id, request.id);
    FieldReader r(reply);
    Answer a{r.Int(), r.Str(), r.Str()};
    EXPECT_TRUE(r.ok());
    return a;
  }

  testing::FakeControl control_;
  plugin_host::GlobalJson global_{"{}"};
  std::atomic<bool> stopping_{false};
  phpeek_host host_;
};

TEST_F(HostRequestsTest, ProcessGetAnswersAsTheServicesTableDoes) {
  const Answer found = Serve(std::move(Frame(kProcessGet, 7).Str("web")));
  EXPECT_EQ(found.code, PHPEEK_OK);
  EXPECT_NE(found.out.find(R"("name":"web")"), std::string::npos) << found.out;
  const Answer missing = Serve(std::move(Frame(kProcessGet, 8).Str("db")));
  EXPECT_EQ(missing.code, PHPEEK_E_NOT_FOUND);
  EXPECT_EQ(missing.err, "no process named 'db'");
}

TEST_F(HostRequestsTest, ControlReachesTheSupervisorAndRefusesWhileStopping) {
  Frame f(kProcessControl, 9);
  f.Int(PHPEEK_OP_SCALE).Str("web").Int(3).Int(0);
  EXPECT_EQ(Serve(f).code, PHPEEK_OK);
  ASSERT_EQ(control_.calls().size(), 1u);
  EXPECT_EQ(control_.calls()[0].arg, 3);
  stopping_ = true;
  const Answer a = Serve(f);
  EXPECT_EQ(a.code, PHPEEK_E_STOPPING);
  EXPECT_EQ(a.err, "the daemon is shutting down");
}

TEST_F(HostRequestsTest, MalformedAndUnknownRequestsAreRefused) {
  const Answer malformed = Serve(Frame(kProcessGet, 1));  // no name
  EXPECT_EQ(malformed.code, PHPEEK_E_INVALID_ARGUMENT);
  EXPECT_EQ(malformed.err, "malformed request of kind 12");
  const Answer unknown = Serve(Frame(999, 2));
  EXPECT_EQ(unknown.code, PHPEEK_E_UNSUPPORTED);
  EXPECT_EQ(unknown.err, "unknown request kind 999");
}

TEST_F(HostRequestsTest, LogGetsNoReply) {
  Frame reply(kReply, 123);
  EXPECT_FALSE(
      ServeRequest(std::move(Frame(kLog, 0).Int(PHPEEK_LOG_INFO).Str("hello")), &host_, &reply));
  EXPECT_EQ(reply.id, 123u);  // untouched
}

TEST_F(HostRequestsTest, OnlyJobCallsWithATimeoutMayBlock) {
  EXPECT_TRUE(
      MayBlock(std::move(Frame(kJobControl, 1).Int(PHPEEK_JOB_OP_TRIGGER).Str("j").Int(5))));
  EXPECT_FALSE(
      MayBlock(std::move(Frame(kJobControl, 1).Int(PHPEEK_JOB_OP_TRIGGER).Str("j").Int(0))));
  EXPECT_TRUE(MayBlock(std::move(Frame(kJobWait, 1).Str("j").Int(4).Int(100))));
  EXPECT_FALSE(MayBlock(std::move(Frame(kJobWait, 1).Str("j").Int(4).Int(0))));
  EXPECT_FALSE(MayBlock(std::move(Frame(kProcessControl, 1).Int(1).Str("w").Int(0).Int(100))));
  EXPECT_FALSE(MayBlock(Frame(kJobWait, 1)));  // malformed: answered at once, as an error
  // A waiting log_next is answered by the link thread when lines come, not on a thread of its own.
  EXPECT_FALSE(MayBlock(std::move(Frame(kLogNext, 1).Int(7).Int(5000))));
}

// FakeControl with a real process-log history.
class LogControl : public testing::FakeControl {
 public:
  process_logs::LogHistory* ProcessLogs() override { return &history; }
  process_logs::LogHistory history;
};

// The log services over the link: the follow's id comes back as the reply's fourth field, and
// the ids name the plugin's own follows (its host context's).
TEST(HostLogRequestsTest, ReadFollowNextUnfollow) {
  LogControl control;
  control.SetProcesses({testing::WebProcess()});
  phpeek_host host;
  host.control = &control;
  const auto web0 = control.history.Register("web", "web-0");
  process_logs::Entry e;
  e.message = "before";
  control.history.Append(web0, e);
  Frame reply;
  ASSERT_TRUE(
      ServeRequest(std::move(Frame(kLogRead, 1).Str("web").Str("").Int(0).Int(0)), &host, &reply));
  FieldReader read(reply);
  EXPECT_EQ(read.Int(), PHPEEK_OK);
  EXPECT_NE(read.Str().find(R"("message":"before")"), std::string::npos);
  ASSERT_TRUE(ServeRequest(
      std::move(Frame(kLogFollow, 2).Str("").Str("web-0").Int(1).Int(0).Int(0)), &host, &reply));
  ASSERT_EQ(reply.fields.size(), 4u);
  FieldReader follow(reply);
  EXPECT_EQ(follow.Int(), PHPEEK_OK);
  EXPECT_EQ(follow.Str(), R"({"schema":1,"entries":[],"more":false,"newest_seq":1})");
  EXPECT_EQ(follow.Str(), "");
  const int64_t id = follow.Int();
  ASSERT_TRUE(follow.ok());
  EXPECT_NE(host.log_follows.Find(static_cast<uint64_t>(id)), nullptr);
  e.message = "after";
  control.history.Append(web0, e);
  ASSERT_TRUE(ServeRequest(std::move(Frame(kLogNext, 3).Int(id).Int(0)), &host, &reply));
  FieldReader next(reply);
  EXPECT_EQ(next.Int(), PHPEEK_OK);
  EXPECT_NE(next.Str().find(R"("message":"after")"), std::string::npos);
  ASSERT_TRUE(ServeRequest(std::move(Frame(kLogUnfollow, 4).Int(id)), &host, &reply));
  EXPECT_EQ(FieldReader(reply).Int(), PHPEEK_OK);
  EXPECT_EQ(control.history.stats().followers, 0u);
  ASSERT_TRUE(ServeRequest(std::move(Frame(kLogNext, 5).Int(id).Int(0)), &host, &reply));
  EXPECT_EQ(FieldReader(reply).Int(), PHPEEK_E_NOT_FOUND);
  // A refused follow still has the id field (0).
  ASSERT_TRUE(ServeRequest(std::move(Frame(kLogFollow, 6).Str("db").Str("").Int(0).Int(0).Int(0)),
                           &host, &reply));
  FieldReader refused(reply);
  EXPECT_EQ(refused.Int(), PHPEEK_E_NOT_FOUND);
  refused.Str();
  EXPECT_EQ(refused.Str(), "no process named 'db'");
  EXPECT_EQ(refused.Int(), 0);
}

}  // namespace
}  // namespace phpeek::plugin_isolation
