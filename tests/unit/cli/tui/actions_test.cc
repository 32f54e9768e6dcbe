#include "core/cli/tui/actions.h"

#include <gtest/gtest.h>

namespace phpeek::cli::tui {
namespace {

TEST(TuiActions, EachAsksAndNamesItsRequest) {
  Action a = ProcessAction("restart", "php-fpm", 2);
  EXPECT_EQ(a.question, "Restart php-fpm (2 instances)?");
  EXPECT_EQ(a.path, "/api/v1/processes/php-fpm/restart");
  EXPECT_EQ(a.body, "");
  EXPECT_EQ(a.done, "restart php-fpm: initiated");
  EXPECT_EQ(ProcessAction("stop", "web", 1).question, "Stop web (1 instance)?");
  EXPECT_EQ(ProcessAction("start", "web", 0).question, "Start web?");

  a = ScaleAction("worker", 2, 3);
  EXPECT_EQ(a.question, "Scale worker from 2 to 3 instances?");
  EXPECT_EQ(a.path, "/api/v1/processes/worker/scale");
  EXPECT_EQ(a.body, "{\"scale\":3}");

  a = TriggerAction("report");
  EXPECT_EQ(a.question, "Run job report now?");
  EXPECT_EQ(a.path, "/api/v1/processes/report/schedule/trigger");
}

TEST(TuiActions, AnUnreachableDaemonIsSaidNotThrown) {
  client::ApiEndpoint endpoint;
  endpoint.url = "unix:/nonexistent/phpeek-pm.sock";
  const std::string said = Perform(endpoint, ProcessAction("restart", "web", 1));
  EXPECT_NE(said.find("cannot reach the phpeek-pm daemon"), std::string::npos) << said;
}

}  // namespace
}  // namespace phpeek::cli::tui
