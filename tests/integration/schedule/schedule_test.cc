// Scheduled jobs on the real binary, with real children, the real API and real metrics: the
// original's scheduled-tasks.yaml with stand-in programs on PATH and an accelerated wall clock
// (PHPEEK_PM_TEST_WALL_CLOCK: the same timers and scheduler code as in production, a day of ticks
// in seconds), schedule_timeout, skipped ticks, a run's process group, user, group, environment
// and working directory, the schedule routes, the `jobs` and `trigger` commands, and bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <regex>
#include <set>
#include <string>

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

using phpeek::rest::itest::ApiDaemon;
using phpeek::rest::itest::ListeningPort;
using phpeek::rest::itest::ParseObject;
using Poco::JSON::Array;
using Poco::JSON::Object;

// Saturday 2025-06-14 23:59:50 UTC: a day of the week and an hour when most of the file's jobs
// are due within a few simulated hours (Monday 09:00 for hourly-reports).
constexpr int64_t kSaturdayNight = 1749945590;

// The seven jobs of ../shared/compat/scheduled-tasks.yaml.
const std::vector<std::string> kCompatJobs = {"database-backup",   "cache-warmer", "hourly-reports",
                                              "log-rotation",      "health-ping",  "data-sync",
                                              "weekly-maintenance"};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// An executable shell script `name` in `dir` that records its run (name, run id, the scheduled
// flag, its arguments and one variable of its environment) in `record` and on stdout.
void WriteStandIn(const TempDir& dir, const std::string& name, const std::string& record) {
  const std::string path = dir.Write(
      name,
      "#!/bin/sh\n"
      "line=\"ran $PHPEEK_PM_PROCESS_NAME run=$PHPEEK_PM_RUN_ID scheduled=$PHPEEK_PM_SCHEDULED "
      "backup_path=${BACKUP_PATH:-none} args=$*\"\n"
      "echo \"$line\" >> " +
          record +
          "\n"
          "echo \"stand-in $line\"\n");
  ::chmod(path.c_str(), 0755);
}

Object::Ptr GetObject(int port, const std::string& target) {
  const http::Reply r = http::Request(port, "GET", target);
  if (r.status != 200) return nullptr;
  return ParseObject(r.body);
}

// The runs of a job's history, newest first.
std::vector<Object::Ptr> Runs(int port, const std::string& job) {
  std::vector<Object::Ptr> out;
  const Object::Ptr history = GetObject(port, "/api/v1/processes/" + job + "/schedule/history");
  if (!history) return out;
  const Array::Ptr runs = history->getArray("runs");
  for (size_t i = 0; runs && i < runs->size(); ++i) {
    out.push_back(runs->getObject(static_cast<unsigned>(i)));
  }
  return out;
}

bool HasRunWithResult(int port, const std::string& job, const std::string& result) {
  for (const Object::Ptr& run : Runs(port, job)) {
    if (!run->isNull("result") && run->getValue<std::string>("result") == result) return true;
  }
  return false;
}

// The port of "serving Prometheus metrics on http://127.0.0.1:PORT/metrics".
int MetricsPort(const std::string& log) {
  std::smatch m;
  static const std::regex re("serving Prometheus metrics on http://127\\.0\\.0\\.1:([0-9]+)");
  return std::regex_search(log, m, re) ? std::stoi(m[1]) : 0;
}

TEST(ScheduleCompat, TheOriginalScheduledTasksFileRunsEveryJob) {
  TempDir bin;
  TempDir work;
  const std::string record = work.Join("runs.txt");
  for (const char* name :
       {"php", "curl", "backup-database.sh", "rotate-logs.sh", "weekly-maintenance.sh"}) {
    WriteStandIn(bin, name, record);
  }
  // The file as the original ships it, with its absolute programs moved to the stand-ins and its
  // fixed ports to free ones.
  std::string text = ReadFile(std::string(PHPEEK_COMPAT_DIR) + "/scheduled-tasks.yaml");
  ASSERT_FALSE(text.empty());
  text = Replace(text, "/usr/local/bin/", bin.path() + "/");
  text = Replace(text, "api_port: 9180", "api_port: 0");
  text = Replace(text, "metrics_port: 9090", "metrics_port: 0");
  const std::string config = work.Write("scheduled-tasks.yaml", text);

  Daemon daemon({"-c", config},
                {{"PATH", bin.path() + ":" + std::string(std::getenv("PATH"))},
                 {"TZ", "UTC"},
                 {"PHPEEK_PM_TEST_WALL_CLOCK", std::to_string(kSaturdayNight) + ":10000"}});
  ASSERT_TRUE(daemon.WaitForLog("Management API listening on")) << daemon.Log();
  const int port = ListeningPort(daemon.Log());
  ASSERT_GT(port, 0);

  // Every job runs: Sunday 00:00 (log-rotation and the */N ones), 02:00 (database-backup),
  // 03:00 (weekly-maintenance), Monday 09:00 (hourly-reports): 33 simulated hours, 12 s.
  for (const std::string& job : kCompatJobs) {
    EXPECT_TRUE(WaitUntil([&] { return HasRunWithResult(port, job, "success"); }, 60s))
        << job << "\n"
        << http::Request(port, "GET", "/api/v1/processes/" + job + "/schedule/history").body;
  }
  EXPECT_TRUE(daemon.running()) << "a daemon of jobs only must keep running\n" << daemon.Log();
  // The schedule and logging keys are acted on now: no "not acted on yet" warning names them.
  EXPECT_EQ(daemon.Log().find("\"key\":\"processes.database-backup.schedule\""), std::string::npos);
  EXPECT_EQ(daemon.Log().find("\"key\":\"processes.database-backup.logging\""), std::string::npos);

  // The stand-ins ran as runs: the scheduled flag, their run ids, their process's env and args.
  const std::string runs = ReadFile(record);
  EXPECT_NE(runs.find("ran database-backup run=1 scheduled=true backup_path=/backups args="),
            std::string::npos)
      << runs;
  EXPECT_NE(runs.find("ran hourly-reports run=1 scheduled=true backup_path=none "
                      "args=/var/www/artisan reports:generate"),
            std::string::npos)
      << runs;
  EXPECT_NE(runs.find("ran health-ping run=1 scheduled=true backup_path=none "
                      "args=-f http://localhost/health"),
            std::string::npos)
      << runs;
  // Their output reached the log with the run's id (log_format: json in that file).
  EXPECT_TRUE(std::regex_search(
      daemon.Log(),
      std::regex(
          R"re("msg":"stand-in ran weekly-maintenance run=1 [^\n]*"process":"weekly-maintenance","run":1,"stream":"stdout")re")))
      << daemon.Log().substr(0, 4000);

  // The process list and the schedule routes.
  const Object::Ptr list = GetObject(port, "/api/v1/processes");
  ASSERT_TRUE(list);
  const Array::Ptr processes = list->getArray("processes");
  ASSERT_EQ(processes->size(), kCompatJobs.size());
  for (size_t i = 0; i < processes->size(); ++i) {
    const Object::Ptr p = processes->getObject(static_cast<unsigned>(i));
    EXPECT_EQ(p->getValue<std::string>("type"), "scheduled");
    EXPECT_GE(p->getValue<int>("run_count"), 1) << p->getValue<std::string>("name");
    EXPECT_FALSE(p->isNull("last_run"));
    EXPECT_EQ(p->getArray("instances")->size(), 0u);
  }
  const Object::Ptr weekly = GetObject(port, "/api/v1/processes/weekly-maintenance/schedule");
  ASSERT_TRUE(weekly);
  EXPECT_EQ(weekly->getValue<std::string>("schedule"), "0 3 * * 0");
  EXPECT_EQ(weekly->getValue<std::string>("timezone"), "Local");
  // Next Sunday 03:00 UTC: 2025-06-22.
  EXPECT_EQ(weekly->getValue<int64_t>("next_run"), 1750561200);

  // The metrics plugin publishes the jobs' counters and times.
  const int metrics_port = MetricsPort(daemon.Log());
  ASSERT_GT(metrics_port, 0) << daemon.Log().substr(0, 3000);
  const std::string scrape = http::Request(metrics_port, "GET", "/metrics").body;
  EXPECT_TRUE(std::regex_search(
      scrape, std::regex(R"(phpeek_pm_scheduled_runs_total\{name="weekly-maintenance",)"
                         R"(result="success"\} [1-9])")))
      << scrape;
  EXPECT_NE(
      scrape.find("phpeek_pm_scheduled_next_run_timestamp_seconds{name=\"weekly-maintenance\"} "
                  "1750561200"),
      std::string::npos)
      << scrape;
  EXPECT_NE(scrape.find("phpeek_pm_scheduled_last_run_timestamp_seconds{name=\"database-backup\"}"),
            std::string::npos);
  EXPECT_NE(scrape.find("phpeek_pm_scheduled_duration_seconds{name=\"log-rotation\"}"),
            std::string::npos);

  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log().substr(0, 3000);
}

// A run past schedule_timeout is stopped (its whole group) and recorded as `timeout`, whether a
// tick or a trigger started it; a tick while the run is active is skipped and recorded.
TEST(ScheduleRuns, OverrunningTheTimeoutIsStoppedAndRecorded) {
  TempDir dir;
  const std::string grandchild = dir.Join("grandchild.pid");
  ApiDaemon api("  shutdown_timeout: 5\n",
                "  slow-tick:\n"
                "    command: [\"sh\", \"-c\", \"sleep 60\"]\n"
                "    schedule: \"* * * * *\"\n"
                "    schedule_timeout: 1500ms\n"
                "    shutdown: {timeout: 1}\n"
                "  slow-manual:\n"
                "    command: [\"sh\", \"-c\", \"sleep 60 & echo $! > " +
                    grandchild +
                    "; wait\"]\n"
                    "    schedule: \"@yearly\"\n"
                    "    schedule_timeout: 1s\n"
                    "    shutdown: {signal: SIGINT, timeout: 1}\n",
                {{"PHPEEK_PM_TEST_WALL_CLOCK", std::to_string(kSaturdayNight) + ":60"}});
  ASSERT_TRUE(api.ready()) << api.daemon().Log();

  const http::Reply sync =
      api.Call("POST", "/api/v1/processes/slow-manual/schedule/trigger?sync=true");
  ASSERT_EQ(sync.status, 200) << sync.body;
  const Object::Ptr run = ParseObject(sync.body);
  EXPECT_EQ(run->getValue<std::string>("result"), "timeout");
  EXPECT_EQ(run->getValue<std::string>("trigger"), "manual");
  EXPECT_EQ(run->getValue<int>("signal"), SIGINT);  // the process's stop signal
  EXPECT_TRUE(run->isNull("exit_code"));
  EXPECT_GE(run->getValue<int>("duration_ms"), 1000);
  // The run's group went with it: the background sleep too.
  const pid_t orphan = std::atoi(ReadFile(grandchild).c_str());
  ASSERT_GT(orphan, 0);
  EXPECT_TRUE(WaitUntil([&] { return !ProcessExists(orphan); }, 5s));

  // Ticks every simulated minute (a real second): the run overruns 1.5 s, the next tick finds it
  // active.
  EXPECT_TRUE(WaitUntil([&] { return HasRunWithResult(api.port(), "slow-tick", "timeout"); }, 20s))
      << api.Call("GET", "/api/v1/processes/slow-tick/schedule/history").body;
  EXPECT_TRUE(WaitUntil([&] { return HasRunWithResult(api.port(), "slow-tick", "skipped"); }, 20s))
      << api.Call("GET", "/api/v1/processes/slow-tick/schedule/history").body;
  for (const Object::Ptr& r : Runs(api.port(), "slow-tick")) {
    if (r->isNull("result") || r->getValue<std::string>("result") != "timeout") continue;
    EXPECT_EQ(r->getValue<std::string>("trigger"), "schedule");
    EXPECT_EQ(r->getValue<int>("signal"), SIGTERM);
  }
  EXPECT_NE(api.daemon().Log().find("scheduled run exceeded schedule_timeout; stopping it"),
            std::string::npos);
}

// A run is a child in its own process group, with the process's user, group, environment and
// working directory, PHPEEK_PM_SCHEDULED and PHPEEK_PM_RUN_ID; its output is logged with run=<id>.
// ($$$$ in the file is the shell's $$: the configuration reads $$ as a literal $.)
TEST(ScheduleRuns, ARunHasItsProcessSettings) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);
  const bool root = ::geteuid() == 0;
  ApiDaemon api(
      "",
      "  job:\n"
      "    command: [\"sh\", \"-c\", \"echo uid=$(id -u) gid=$(id -g) cwd=$(pwd) "
      "foo=$FOO sched=$PHPEEK_PM_SCHEDULED run=$PHPEEK_PM_RUN_ID "
      "name=$PHPEEK_PM_PROCESS_NAME leader=$(($$$$ == $(cut -d' ' -f5 /proc/$$$$/stat)))\"]\n"
      "    schedule: \"0 0 1 1 *\"\n"
      "    working_dir: " +
          dir.path() + "\n    env: {FOO: bar}\n" +
          (root ? "    user: nobody\n    group: nogroup\n" : ""));
  ASSERT_TRUE(api.ready()) << api.daemon().Log();
  for (int id = 1; id <= 2; ++id) {
    const http::Reply r = api.Call("POST", "/api/v1/processes/job/schedule/trigger?sync=true");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ParseObject(r.body)->getValue<std::string>("result"), "success") << r.body;
  }
  const std::string ids = root ? "uid=65534 gid=65534" : "uid=" + std::to_string(::geteuid());
  for (int id = 1; id <= 2; ++id) {
    // The text format quotes a message with '=' in it.
    const std::string line =
        "\"" + ids + (root ? "" : " gid=" + std::to_string(::getegid())) + " cwd=" + dir.path() +
        " foo=bar sched=true run=" + std::to_string(id) +
        " name=job leader=1\" process=job run=" + std::to_string(id) + " stream=stdout";
    EXPECT_TRUE(api.daemon().WaitForLog(line)) << line << "\n" << api.daemon().Log();
  }
}

TEST(ScheduleApi, PauseResumeTriggerAndErrors) {
  ApiDaemon api("",
                "  web:\n    command: [\"sleep\", \"60\"]\n"
                "  job:\n    command: [\"true\"]\n    schedule: \"*/10 * * * *\"\n"
                "    schedule_timezone: Europe/Berlin\n"
                "  off:\n    command: [\"true\"]\n    schedule: \"@daily\"\n    enabled: false\n",
                {{"PHPEEK_PM_TEST_WALL_CLOCK", std::to_string(kSaturdayNight) + ":1"}});
  ASSERT_TRUE(api.ready()) << api.daemon().Log();
  Object::Ptr s = api.Process("job");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->getValue<std::string>("schedule_state"), "idle");
  EXPECT_EQ(s->getValue<std::string>("state"), "stopped");
  // 23:59:50 UTC is 01:59:50 in Berlin: the next tick is 02:00 Berlin, ten seconds on.
  EXPECT_EQ(s->getValue<int64_t>("next_run"), kSaturdayNight + 10);

  http::Reply r = api.Call("POST", "/api/v1/processes/job/schedule/pause");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"message":"schedule paused","process":"job"})");
  s = ParseObject(api.Call("GET", "/api/v1/processes/job/schedule").body);
  EXPECT_EQ(s->getValue<std::string>("schedule_state"), "paused");
  EXPECT_TRUE(s->isNull("next_run"));
  r = api.Call("POST", "/api/v1/processes/job/schedule/trigger");
  EXPECT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.body, R"({"message":"trigger initiated","process":"job","run_id":1})");
  EXPECT_TRUE(WaitUntil([&] { return HasRunWithResult(api.port(), "job", "success"); }));
  EXPECT_EQ(api.Call("POST", "/api/v1/processes/job/schedule/resume").status, 200);
  s = ParseObject(api.Call("GET", "/api/v1/processes/job/schedule").body);
  EXPECT_EQ(s->getValue<std::string>("schedule_state"), "idle");
  EXPECT_FALSE(s->isNull("next_run"));
  const Object::Ptr history =
      ParseObject(api.Call("GET", "/api/v1/processes/job/schedule/history?limit=1").body);
  EXPECT_EQ(history->getArray("runs")->size(), 1u);

  EXPECT_EQ(api.Call("GET", "/api/v1/processes/web/schedule").status, 409);
  EXPECT_EQ(api.Call("POST", "/api/v1/processes/web/schedule/trigger").status, 409);
  EXPECT_EQ(api.Call("POST", "/api/v1/processes/off/schedule/trigger").status, 409);
  EXPECT_EQ(api.Call("GET", "/api/v1/processes/nope/schedule").status, 404);
  EXPECT_EQ(api.Call("POST", "/api/v1/processes/job/restart").status, 409);
  r = api.Call("POST", "/api/v1/processes/job/scale", R"({"scale":2})");
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST(ScheduleCli, JobsAndTrigger) {
  ApiDaemon api(
      "",
      "  web:\n    command: [\"sleep\", \"60\"]\n"
      "  good:\n    command: [\"sh\", \"-c\", \"exit 0\"]\n    schedule: \"@daily\"\n"
      "  bad:\n    command: [\"sh\", \"-c\", \"exit 3\"]\n    schedule: \"0 4 * * 1-5\"\n");
  ASSERT_TRUE(api.ready()) << api.daemon().Log();
  const std::string client = api.ClientConfigPath();

  RunResult r = RunCommand({PHPEEK_BINARY, "jobs", "-c", client});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("NAME  SCHEDULE     STATE  NEXT RUN"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("good  @daily"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad   0 4 * * 1-5  idle"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("web"), std::string::npos) << r.out;

  r = RunCommand({PHPEEK_BINARY, "trigger", "good", "--wait", "-c", client});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("good: run 1 started\ngood: run 1 finished: success (exit 0, ", 0), 0u)
      << r.out;
  r = RunCommand({PHPEEK_BINARY, "trigger", "bad", "--wait", "-c", client});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("bad: run 1 finished: failure (exit 3, "), std::string::npos) << r.out;
  r = RunCommand({PHPEEK_BINARY, "trigger", "web", "-c", client});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("409: conflict: process 'web' is not a scheduled job"), std::string::npos)
      << r.err;
  r = RunCommand({PHPEEK_BINARY, "trigger", "nope", "-c", client});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such process 'nope'"), std::string::npos) << r.err;

  r = RunCommand({PHPEEK_BINARY, "jobs", "--json", "-c", client});
  EXPECT_EQ(r.exit_code, 0);
  const Object::Ptr doc = ParseObject(r.out);
  ASSERT_EQ(doc->getArray("jobs")->size(), 2u);
  EXPECT_EQ(doc->getArray("jobs")->getObject(0)->getValue<int>("run_count"), 1);
}

// Bad input: each schedule problem is a config error with its position, all in one report.
TEST(ScheduleConfig, BadSchedulesAreErrorsWithPosition) {
  TempDir dir;
  const std::string path = dir.Write("bad.yaml",
                                     "processes:\n"
                                     "  six:\n"
                                     "    command: [\"true\"]\n"
                                     "    schedule: \"* * * * * *\"\n"
                                     "  minute:\n"
                                     "    command: [\"true\"]\n"
                                     "    schedule: \"61 * * * *\"\n"
                                     "  zone:\n"
                                     "    command: [\"true\"]\n"
                                     "    schedule: \"@daily\"\n"
                                     "    schedule_timezone: Europe/Berlinn\n"
                                     "  scaled:\n"
                                     "    type: oneshot\n"
                                     "    command: [\"true\"]\n"
                                     "    schedule: \"*/5 * * * *\"\n"
                                     "    scale: 3\n");
  const RunResult r = RunCommand({PHPEEK_BINARY, "check-config", "-c", path});
  EXPECT_EQ(r.exit_code, 1);
  for (const std::string& expected :
       {path + ":4:15: error: processes.six.schedule: invalid cron expression '* * * * * *': "
               "expected 5 fields",
        path + ":7:15: error: processes.minute.schedule: invalid cron expression '61 * * * *': "
               "minute: 61 is out of range 0-59",
        path + ":11:24: error: processes.zone.schedule_timezone: time zone 'Europe/Berlinn' ",
        path + ":16:12: error: processes.scaled.scale: a scheduled job starts one run per tick, "
               "so its scale must be 1, got 3"}) {
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("did you mean 'Europe/Berlin'?"), std::string::npos) << r.err;
  Daemon daemon({"-c", path});
  EXPECT_EQ(daemon.WaitExit(), 1) << daemon.Log();
}

TEST(ScheduleConfig, DryRunShowsTheSchedule) {
  TempDir dir;
  const std::string path = dir.Write("c.yaml",
                                     "global:\n  api_enabled: false\n"
                                     "processes:\n"
                                     "  backup:\n    command: [\"true\"]\n"
                                     "    schedule: \"0 2 * * *\"\n"
                                     "    schedule_timezone: Europe/Berlin\n");
  const RunResult r = RunCommand({PHPEEK_BINARY, "serve", "--dry-run", "-c", path});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("schedule=\"0 2 * * *\" (Europe/Berlin)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace phpeek::testing
