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
  EXPECT_EQ(out, R"({"name":"web","state":"degraded","scale":2,"ready":false,"instances":[)"
                 R"({"id":"web-0","state":"failed","pid":0,"started_at":0,"restart_count":0,)"
                 R"("reason":"pre_start hook 'migrate' failed: exit code 1","ready":false},)"
                 R"({"id":"web-1","state":"running","pid":7,"started_at":1700000000,)"
                 R"("restart_count":0,"ready":false}]})");
}

}  // namespace
}  // namespace phpeek::rest
