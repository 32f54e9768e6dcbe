// The process view keeps the Management API's fields, and an instance's "reason" when the host
// gives one, whatever other keys the host adds.
#include "plugins/rest-api/process_view.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::rest {
namespace {

TEST(ProcessViewTest, AnInstanceReasonIsShownOnlyWhenThereIsOne) {
  const std::string host =
      R"({"schema":1,"name":"web","state":"degraded","scale":2,"future_key":1,"instances":[)"
      R"({"id":"web-0","state":"failed","pid":0,"started_at":0,"restart_count":0,)"
      R"("last_exit_code":-1,"last_signal":0,"reason":"pre_start hook 'migrate' failed: )"
      R"(exit code 1","future":true},)"
      R"({"id":"web-1","state":"running","pid":7,"started_at":1700000000,"restart_count":0,)"
      R"("last_exit_code":-1,"last_signal":0,"reason":""}]})";
  std::string out, err;
  ASSERT_TRUE(RenderProcess(host, &out, &err)) << err;
  // This host (like a 1.0 one) tells no readiness: none is shown, rather than "ready":false.
  EXPECT_EQ(out, R"({"name":"web","state":"degraded","scale":2,"instances":[)"
                 R"({"id":"web-0","state":"failed","pid":0,"started_at":0,"restart_count":0,)"
                 R"("reason":"pre_start hook 'migrate' failed: exit code 1"},)"
                 R"({"id":"web-1","state":"running","pid":7,"started_at":1700000000,)"
                 R"("restart_count":0}]})");
}

// ABI 1.1's dependency keys pass through when present: waiting_for while waiting, the reason
// while blocked, a oneshot's type and a failed instance's exit code; nothing when absent.
TEST(ProcessViewTest, DependencyKeysTypeAndExitCodeOnlyWhenThereAreAny) {
  const std::string reason = R"j("'redis' failed (exit code 1)")j";
  const std::string host =
      R"j({"schema":1,"name":"worker","state":"blocked","scale":1,"ready":false,)j"
      R"j("waiting_for":["redis"],"reason":)j" +
      reason +
      R"j(,"instances":[)j"
      R"j({"id":"worker-0","state":"blocked","pid":0,"started_at":0,"restart_count":0,)j"
      R"j("last_exit_code":-1,"last_signal":0,"ready":false,"reason":)j" +
      reason + R"j(}],"type":"longrun"})j";
  std::string out, err;
  ASSERT_TRUE(RenderProcess(host, &out, &err)) << err;
  EXPECT_EQ(out, R"j({"name":"worker","state":"blocked","scale":1,"ready":false,)j"
                 R"j("waiting_for":["redis"],"reason":)j" +
                     reason +
                     R"j(,"instances":[)j"
                     R"j({"id":"worker-0","state":"blocked","pid":0,"started_at":0,)j"
                     R"j("restart_count":0,"reason":)j" +
                     reason + R"j(,"ready":false}],"type":"longrun"})j");
  const std::string oneshot =
      R"j({"schema":1,"name":"migrate","state":"failed","scale":1,"ready":false,"instances":[)j"
      R"j({"id":"migrate-0","state":"failed","pid":0,"started_at":1700000000,"restart_count":0,)j"
      R"j("last_exit_code":3,"last_signal":0,"ready":false}],"type":"oneshot"})j";
  ASSERT_TRUE(RenderProcess(oneshot, &out, &err)) << err;
  EXPECT_EQ(out, R"j({"name":"migrate","state":"failed","scale":1,"ready":false,"instances":[)j"
                 R"j({"id":"migrate-0","state":"failed","pid":0,"started_at":1700000000,)j"
                 R"j("restart_count":0,"ready":false,"last_exit_code":3}],"type":"oneshot"})j");
}

}  // namespace
}  // namespace phpeek::rest
