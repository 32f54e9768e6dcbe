// Configuration reload on the real binary (lifecycle.md "Reload"): SIGHUP, POST
// /api/v1/config/reload and `phpeek-pm reload` apply the per-process diff; pids tell what was
// touched. Every daemon listens on 127.0.0.1 with api_port: 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_support.h"

namespace {

using phpeek::rest::itest::ApiDaemon;
using phpeek::rest::itest::ParseObject;
using phpeek::rest::itest::RunningPids;
using phpeek::testing::BinaryPath;
using phpeek::testing::ProcessExists;
using phpeek::testing::RunCommand;
using phpeek::testing::WaitUntil;
using phpeek::testing::http::Reply;
using std::chrono::milliseconds;

// The file ApiDaemon writes, with other globals and processes: what a reload then reads.
void Rewrite(const ApiDaemon& d, const std::string& globals, const std::string& processes,
             int api_port = 0) {
  d.dir().Write("phpeek-pm.yaml",
                "version: \"1.0\"\nglobal:\n  log_format: text\n  api_enabled: true\n"
                "  api_port: " +
                    std::to_string(api_port) + "\n" + globals + "processes:\n" + processes);
}

std::string Sleeper(const std::string& name, const std::string& extra = "") {
  return "  " + name + ":\n    command: [\"sleep\", \"3600\"]\n" + extra;
}

std::vector<int> Pids(const ApiDaemon& d, const std::string& name) {
  return RunningPids(d.Process(name));
}

// Waits until `name` has exactly `n` running instances; returns their pids.
std::vector<int> WaitRunning(const ApiDaemon& d, const std::string& name, size_t n) {
  std::vector<int> pids;
  WaitUntil([&] {
    pids = Pids(d, name);
    return pids.size() == n;
  });
  return pids;
}

std::vector<std::string> Names(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  std::vector<std::string> out;
  Poco::JSON::Array::Ptr a = o->getArray(key);
  for (size_t i = 0; a && i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  return out;
}

Reply Reload(const ApiDaemon& d, const std::map<std::string, std::string>& headers = {}) {
  return d.Call("POST", "/api/v1/config/reload", "", headers);
}

const std::string kStart = Sleeper("keep") + Sleeper("scaled") +
                           Sleeper("changed", "    env:\n      COLOR: blue\n") + Sleeper("gone") +
                           Sleeper("gone-too", "    depends_on: [gone]\n");
const std::string kNext = Sleeper("keep") + Sleeper("scaled", "    scale: 3\n") +
                          Sleeper("changed", "    env:\n      COLOR: green\n") +
                          Sleeper("added", "    depends_on: [keep]\n");

TEST(Reload, AddedRemovedChangedScaledAndUnchangedInOneFile) {
  ApiDaemon d("", kStart);
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const int keep = WaitRunning(d, "keep", 1).at(0);
  const int scaled = WaitRunning(d, "scaled", 1).at(0);
  const int changed = WaitRunning(d, "changed", 1).at(0);
  const int gone = WaitRunning(d, "gone", 1).at(0);
  const int gone_too = WaitRunning(d, "gone-too", 1).at(0);

  Rewrite(d, "", kNext);
  const Reply r = Reload(d);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = ParseObject(r.body);
  EXPECT_EQ(answer->getValue<std::string>("status"), "reloaded");
  EXPECT_EQ(Names(answer, "added"), std::vector<std::string>{"added"});
  EXPECT_EQ(Names(answer, "removed"), (std::vector<std::string>{"gone", "gone-too"}));
  EXPECT_EQ(Names(answer, "restarted"), std::vector<std::string>{"changed"});
  EXPECT_EQ(Names(answer, "updated"), std::vector<std::string>{"scaled"});
  EXPECT_EQ(answer->getValue<int>("unchanged"), 1);

  // Unchanged: same pid. Scale-only: the first instance stays, two more come.
  const std::vector<int> scaled_now = WaitRunning(d, "scaled", 3);
  EXPECT_EQ(std::set<int>(scaled_now.begin(), scaled_now.end()).count(scaled), 1u);
  // Changed env: rolled, the new instance runs with the new value.
  std::vector<int> changed_now;
  ASSERT_TRUE(WaitUntil([&] {
    changed_now = Pids(d, "changed");
    return changed_now.size() == 1 && changed_now[0] != changed;
  })) << d.daemon().Log();
  EXPECT_EQ(phpeek::testing::EnvironOf(changed_now[0])["COLOR"], "green");
  // Added: started; removed: stopped (the dependent first) and gone from the list.
  EXPECT_EQ(WaitRunning(d, "added", 1).size(), 1u);
  EXPECT_TRUE(WaitUntil([&] { return !ProcessExists(gone) && !ProcessExists(gone_too); }));
  EXPECT_EQ(d.Call("GET", "/api/v1/processes/gone").status, 404);
  const std::string log = d.daemon().Log();
  EXPECT_LT(log.find("process=gone-too instance=gone-too-0 pid=" + std::to_string(gone_too)),
            log.find("stopping process process=gone instance=gone-0"))
      << log;
  EXPECT_EQ(Pids(d, "keep"), std::vector<int>{keep});

  // The same file again changes nothing.
  const Reply again = Reload(d);
  ASSERT_EQ(again.status, 200) << again.body;
  const auto second = ParseObject(again.body);
  EXPECT_EQ(second->getValue<int>("unchanged"), 4);
  EXPECT_TRUE(Names(second, "restarted").empty());
  EXPECT_TRUE(Names(second, "updated").empty());
  EXPECT_EQ(Pids(d, "keep"), std::vector<int>{keep});
  EXPECT_EQ(Pids(d, "changed"), changed_now);
  EXPECT_EQ(Pids(d, "scaled"), scaled_now);
}

struct Broken {
  const char* what;
  std::string processes;
  const char* expect;  // in the error's text
};

TEST(Reload, ABrokenFileChangesNothingAndSaysWhereItIsWrong) {
  ApiDaemon d("", Sleeper("a") + Sleeper("b"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::vector<int> a = WaitRunning(d, "a", 1);
  const std::vector<int> b = WaitRunning(d, "b", 1);
  const Broken cases[] = {
      {"yaml", Sleeper("a") + "  b:\n    command: [\"sleep\", \"3600\"\n", "YAML syntax error"},
      {"cycle",
       Sleeper("a", "    depends_on: [b]\n") + Sleeper("b", "    depends_on: [a]\n") + Sleeper("c"),
       "cycle"},
      {"unknown key", Sleeper("a", "    comand: [\"sleep\", \"1\"]\n") + Sleeper("b"),
       "unknown key 'comand'"},
  };
  for (const Broken& c : cases) {
    SCOPED_TRACE(c.what);
    Rewrite(d, "", c.processes);
    const Reply r = Reload(d);
    ASSERT_EQ(r.status, 422) << r.body;
    const auto body = ParseObject(r.body);
    EXPECT_EQ(body->getValue<std::string>("error"), "invalid configuration");
    Poco::JSON::Array::Ptr errors = body->getArray("errors");
    ASSERT_TRUE(errors && errors->size() > 0) << r.body;
    const auto first = errors->getObject(0);
    EXPECT_GT(first->getValue<int>("line"), 0) << r.body;
    EXPECT_GT(first->getValue<int>("column"), 0) << r.body;
    EXPECT_NE(r.body.find(c.expect), std::string::npos) << r.body;
    // The CLI says the same and exits 1; SIGHUP logs it.
    const auto cli = RunCommand({BinaryPath(), "reload", "--url", d.base_url()});
    EXPECT_EQ(cli.exit_code, 1) << cli.out << cli.err;
    EXPECT_NE(cli.err.find("phpeek-pm.yaml:" + std::to_string(first->getValue<int>("line")) + ":"),
              std::string::npos)
        << cli.err;
    EXPECT_EQ(Pids(d, "a"), a);
    EXPECT_EQ(Pids(d, "b"), b);
    EXPECT_EQ(d.Call("GET", "/api/v1/processes/c").status, 404);
  }
  d.daemon().Signal(SIGHUP);
  EXPECT_TRUE(d.daemon().WaitForLog("configuration reload failed"));
  EXPECT_EQ(Pids(d, "a"), a);
  EXPECT_EQ(Pids(d, "b"), b);
}

// 50 SIGHUPs in a second, a crash in the middle: one consistent state at the end, the file's.
TEST(Reload, SighupStormEndsInTheFilesState) {
  ApiDaemon d("", Sleeper("keep") + Sleeper("web"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const int keep = WaitRunning(d, "keep", 1).at(0);
  const int web = WaitRunning(d, "web", 1).at(0);
  Rewrite(d, "", Sleeper("keep") + Sleeper("web", "    scale: 2\n") + Sleeper("extra"));
  for (int i = 0; i < 50; ++i) {
    d.daemon().Signal(SIGHUP);
    if (i == 25) kill(web, SIGKILL);  // supervision goes on during reloads
    usleep(20 * 1000);                // spreads the storm over a second; nothing waits on it
  }
  // Once the storm has settled, a reload of the same file finds nothing to do.
  Reply r;
  ASSERT_TRUE(WaitUntil([&] {
    r = Reload(d);
    return r.status == 200;
  })) << r.status
      << " " << r.body;
  ASSERT_TRUE(WaitUntil([&] {
    r = Reload(d);
    return r.status == 200 && ParseObject(r.body)->getValue<int>("unchanged") == 3;
  })) << r.body;
  EXPECT_EQ(Pids(d, "keep"), std::vector<int>{keep});
  const std::vector<int> webs = WaitRunning(d, "web", 2);
  EXPECT_EQ(std::set<int>(webs.begin(), webs.end()).count(web), 0u);  // killed, replaced
  EXPECT_EQ(WaitRunning(d, "extra", 1).size(), 1u);
  const Reply list = d.Call("GET", "/api/v1/processes");
  EXPECT_EQ(ParseObject(list.body)->getArray("processes")->size(), 3u);
}

// A rolling restart under way (slow stops) meets a reload that rolls the same process again: every
// instance ends up running the new environment, none is left stopped.
TEST(Reload, DuringARollingRestart) {
  const std::string slow =
      "    scale: 3\n    command: [\"sh\", \"-c\", \"trap 'sleep 0.3; exit 0' TERM; while :; do "
      "sleep 0.05; done\"]\n";
  ApiDaemon d("", "  web:\n" + slow + "    env:\n      GEN: one\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::vector<int> before = WaitRunning(d, "web", 3);
  ASSERT_EQ(d.Call("POST", "/api/v1/processes/web/restart").status, 202);
  ASSERT_TRUE(d.daemon().WaitForLog("stopping process process=web"));
  Rewrite(d, "", "  web:\n" + slow + "    env:\n      GEN: two\n");
  const Reply r = Reload(d);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Names(ParseObject(r.body), "restarted"), std::vector<std::string>{"web"});
  std::vector<int> after;
  ASSERT_TRUE(WaitUntil(
      [&] {
        after = Pids(d, "web");
        if (after.size() != 3) return false;
        for (int pid : after) {
          if (phpeek::testing::EnvironOf(pid)["GEN"] != "two") return false;
        }
        return true;
      },
      milliseconds(20000)))
      << d.daemon().Log();
  for (int pid : before) EXPECT_FALSE(ProcessExists(pid));
}

TEST(Reload, ANewTokenHoldsFromTheAnswerOn) {
  ApiDaemon d("  api_auth: old-token\n", Sleeper("a"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::map<std::string, std::string> old_auth{{"Authorization", "Bearer old-token"}};
  const std::map<std::string, std::string> new_auth{{"Authorization", "Bearer new-token"}};
  Rewrite(d, "  api_auth: new-token\n", Sleeper("a"), phpeek::testing::FreePort());
  const Reply r = Reload(d, old_auth);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(d.Call("GET", "/api/v1/processes", "", old_auth).status, 401);
  EXPECT_EQ(d.Call("GET", "/api/v1/processes", "", new_auth).status, 200);
  EXPECT_TRUE(d.daemon().WaitForLog("global.api_port changed by reload"));
  EXPECT_FALSE(d.daemon().LogContains("new-token"));  // tokens are never logged
}

TEST(Reload, TheCliPrintsWhatChanged) {
  ApiDaemon d("", Sleeper("a"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  Rewrite(d, "", Sleeper("a") + Sleeper("b"));
  const auto cli = RunCommand({BinaryPath(), "reload", "--url", d.base_url()});
  ASSERT_EQ(cli.exit_code, 0) << cli.out << cli.err;
  const auto answer = ParseObject(cli.out);
  EXPECT_EQ(answer->getValue<std::string>("status"), "reloaded");
  EXPECT_EQ(Names(answer, "added"), std::vector<std::string>{"b"});
  EXPECT_EQ(WaitRunning(d, "b", 1).size(), 1u);
}

TEST(Reload, ScheduledJobsFollowTheDiff) {
  ApiDaemon d("",
              Sleeper("a") + "  tick:\n    command: [\"true\"]\n    schedule: \"*/5 * * * *\"\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_EQ(d.Call("GET", "/api/v1/processes/tick/schedule").status, 200);
  Rewrite(d, "",
          Sleeper("a") + "  tock:\n    command: [\"true\"]\n    schedule: \"@hourly\"\n" +
              "  tick2:\n    command: [\"true\"]\n    schedule: \"*/5 * * * *\"\n");
  const Reply r = Reload(d);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(d.Call("GET", "/api/v1/processes/tick/schedule").status, 404);
  const Reply tock = d.Call("GET", "/api/v1/processes/tock/schedule");
  ASSERT_EQ(tock.status, 200) << tock.body;
  EXPECT_EQ(ParseObject(tock.body)->getValue<std::string>("schedule"), "@hourly");
  // A changed schedule is updated in place.
  Rewrite(d, "",
          Sleeper("a") + "  tock:\n    command: [\"true\"]\n    schedule: \"@daily\"\n" +
              "  tick2:\n    command: [\"true\"]\n    schedule: \"*/5 * * * *\"\n");
  const Reply again = Reload(d);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Names(ParseObject(again.body), "updated"), std::vector<std::string>{"tock"});
  EXPECT_EQ(ParseObject(d.Call("GET", "/api/v1/processes/tock/schedule").body)
                ->getValue<std::string>("schedule"),
            "@daily");
}

// The metrics plugin reads the counts from the host (daemon_status).
TEST(Reload, MetricsCountSuccessesAndFailures) {
  ApiDaemon d("  metrics_enabled: true\n  metrics_port: 0\n", Sleeper("a"));
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  const std::string marker = "serving Prometheus metrics on http://127.0.0.1:";
  ASSERT_TRUE(d.daemon().WaitForLog(marker));
  const std::string log = d.daemon().Log();
  const int port = std::atoi(log.c_str() + log.find(marker) + marker.size());
  const std::string globals = "  metrics_enabled: true\n  metrics_port: 0\n";
  Rewrite(d, globals, Sleeper("a") + Sleeper("b"));
  ASSERT_EQ(Reload(d).status, 200);
  Rewrite(d, globals, "  a: [\n");
  ASSERT_EQ(Reload(d).status, 422);
  const Reply m = phpeek::testing::http::Request(port, "GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("phpeek_pm_config_reloads_total{result=\"success\"} 1\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("phpeek_pm_config_reloads_total{result=\"failure\"} 1\n"),
            std::string::npos)
      << m.body;
  EXPECT_NE(m.body.find("phpeek_pm_config_last_reload_success_timestamp_seconds "),
            std::string::npos)
      << m.body;
}

TEST(Reload, RefusedDuringShutdown) {
  ApiDaemon d("",
              "  slow:\n    command: [\"sh\", \"-c\", \"trap 'sleep 2; exit 0' TERM; echo armed; "
              "while :; do sleep 0.05; done\"]\n");
  ASSERT_TRUE(d.ready()) << d.daemon().Log();
  ASSERT_TRUE(d.daemon().WaitForLog("armed"));  // the trap is set: the stop takes 2 s
  d.daemon().Signal(SIGTERM);
  ASSERT_TRUE(d.daemon().WaitForLog("shutting down"));
  const Reply r = Reload(d);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("shutting down"), std::string::npos) << r.body;
  d.daemon().Signal(SIGHUP);
  EXPECT_TRUE(d.daemon().WaitForLog("reload refused"));
  EXPECT_EQ(d.daemon().WaitExit(), 0);
}

}  // namespace
