// depends_on on the real binary with real children: the original's laravel-healthchecks.yaml with
// stand-ins named php, php-fpm, nginx and redis-server (dependents start only once what they
// depend on is healthy; a failing redis leaves its dependents blocked, in the API and the log, and
// a start of one of them starts redis again), `start|restart --wait` meaning ready (a oneshot's
// exit code, a timeout saying what it waited for), and bad input that starts nothing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

using rest::itest::ListeningPort;
using rest::itest::ParseObject;

// Programs named like the real ones, first on PATH. php-fpm and redis-server listen on the ports
// the test put in the configuration ($FPM_PORT, $REDIS_PORT), as the health checks expect;
// redis-server exits 1 at once while $STANDINS/redis-broken exists.
class StandIns {
 public:
  StandIns() {
    const std::string listen =
        "exec /usr/bin/perl -MIO::Socket::INET -e '"
        "my $s = IO::Socket::INET->new(LocalAddr => \"127.0.0.1\", LocalPort => $ARGV[0], "
        "Listen => 16, ReuseAddr => 1, ReusePort => 1) or die \"listen: $!\\n\"; "
        "while (1) { my $c = $s->accept; close $c if $c }' ";
    Script("php-fpm", "echo \"php-fpm $*\" >> \"$STANDINS/calls\"\n" + listen + "\"$FPM_PORT\"\n");
    Script("redis-server",
           "echo \"redis-server $*\" >> \"$STANDINS/calls\"\n"
           "if [ -e \"$STANDINS/redis-broken\" ]; then echo 'redis: cannot open dump.rdb' >&2; "
           "exit 1; fi\n" +
               listen + "\"$REDIS_PORT\"\n");
    const std::string idle = "trap 'exit 0' TERM QUIT INT\nwhile :; do sleep 0.05; done\n";
    Script("nginx", "echo \"nginx $*\" >> \"$STANDINS/calls\"\n" + idle);
    // php artisan horizon, queue:work and reverb:start run; the rest (horizon:status, the
    // horizon:terminate hook) succeed at once.
    Script("php",
           "echo \"php $*\" >> \"$STANDINS/calls\"\n"
           "case \"$2\" in horizon|queue:work|reverb:start) ;; *) exit 0 ;; esac\n" +
               idle);
  }
  std::map<std::string, std::string> Env(int fpm_port, int redis_port) const {
    return {{"PATH", dir_.path() + ":/usr/bin:/bin"}, {"STANDINS", dir_.path()},
            {"FPM_PORT", std::to_string(fpm_port)},   {"REDIS_PORT", std::to_string(redis_port)},
            {"PHPEEK_PM_GLOBAL_API_PORT", "0"},  // the default 8080 may be taken here
            {"PHPEEK_PM_GLOBAL_LOG_FORMAT", "text"}};
  }
  void BreakRedis() const { dir_.Write("redis-broken", ""); }
  void FixRedis() const { std::remove(dir_.Join("redis-broken").c_str()); }
  const TempDir& dir() const { return dir_; }

 private:
  void Script(const std::string& name, const std::string& body) const {
    const std::string path = dir_.Write(name, "#!/bin/sh\n" + body);
    chmod(path.c_str(), 0755);
  }
  TempDir dir_;
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// laravel-healthchecks.yaml as shipped, its fixed ports swapped for free ones (tests run side by
// side here).
std::string LaravelHealthchecks(const TempDir& dir, int fpm_port, int redis_port) {
  std::string text = ReadFile(std::string(PHPEEK_COMPAT_DIR) + "/laravel-healthchecks.yaml");
  EXPECT_NE(text.find("127.0.0.1:9000"), std::string::npos);
  text = Replace(text, "127.0.0.1:9000", "127.0.0.1:" + std::to_string(fpm_port));
  text = Replace(text, "127.0.0.1:6379", "127.0.0.1:" + std::to_string(redis_port));
  text = Replace(text, "127.0.0.1:80/", "127.0.0.1:" + std::to_string(FreePort()) + "/");
  text = Replace(text, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(FreePort()));
  return dir.Write("laravel-healthchecks.yaml", text);
}

int ApiPort(const Daemon& daemon) {
  int port = 0;
  WaitUntil([&] { return (port = ListeningPort(daemon.Log())) > 0; });
  return port;
}

Poco::JSON::Object::Ptr Process(int port, const std::string& name) {
  const http::Reply r = http::Request(port, "GET", "/api/v1/processes/" + name);
  return r.status == 200 ? ParseObject(r.body) : nullptr;
}

std::string StateOf(int port, const std::string& name) {
  const auto p = Process(port, name);
  return p ? p->getValue<std::string>("state") : "";
}

std::vector<std::string> WaitingFor(const Poco::JSON::Object::Ptr& p) {
  std::vector<std::string> out;
  if (auto a = p->getArray("waiting_for")) {
    for (size_t i = 0; i < a->size(); ++i) out.push_back(a->getElement<std::string>(i));
  }
  return out;
}

size_t At(const std::string& log, const std::string& text) { return log.find(text); }

TEST(DependenciesTest, LaravelHealthchecksStartsDependentsOnlyOnceTheirDependencyIsHealthy) {
  StandIns standins;
  TempDir dir;
  const int fpm = FreePort(), redis = FreePort();
  Daemon daemon({"-c", LaravelHealthchecks(dir, fpm, redis)}, standins.Env(fpm, redis));
  const int port = ApiPort(daemon);
  ASSERT_GT(port, 0) << daemon.Log();
  // Before php-fpm's first probe (initial_delay 5 s), nginx waits and says what for.
  ASSERT_TRUE(daemon.WaitForLog("waiting for dependencies process=nginx waiting_for=php-fpm"))
      << daemon.Log();
  const auto nginx = Process(port, "nginx");
  ASSERT_TRUE(nginx);
  EXPECT_EQ(nginx->getValue<std::string>("state"), "starting");
  EXPECT_EQ(WaitingFor(nginx), std::vector<std::string>{"php-fpm"});
  // (redis may be healthy already: its first probe is due at 3 s)
  const auto horizon_waits = WaitingFor(Process(port, "horizon"));
  ASSERT_FALSE(horizon_waits.empty());
  EXPECT_EQ(horizon_waits.front(), "php-fpm");
  ASSERT_TRUE(daemon.WaitForLog("process spawned process=nginx", std::chrono::seconds(20)))
      << daemon.Log();
  ASSERT_TRUE(WaitUntil([&] { return StateOf(port, "queue-default") == "running"; }))
      << daemon.Log();
  const std::string log = daemon.Log();
  const size_t fpm0 = At(log, "process healthy process=php-fpm instance=php-fpm-0"),
               fpm1 = At(log, "process healthy process=php-fpm instance=php-fpm-1"),
               redis_ok = At(log, "process healthy process=redis"),
               nginx_up = At(log, "process spawned process=nginx"),
               horizon_up = At(log, "process spawned process=horizon"),
               queue_up = At(log, "process spawned process=queue-default");
  ASSERT_NE(fpm0, std::string::npos) << log;
  ASSERT_NE(fpm1, std::string::npos) << log;
  ASSERT_NE(redis_ok, std::string::npos) << log;
  for (size_t dependent : {nginx_up, horizon_up, queue_up}) {
    EXPECT_LT(fpm0, dependent) << log;
    EXPECT_LT(fpm1, dependent) << log;
  }
  EXPECT_LT(redis_ok, horizon_up) << log;
  EXPECT_LT(redis_ok, queue_up) << log;
  EXPECT_TRUE(WaitingFor(Process(port, "nginx")).empty());
  EXPECT_EQ(log.find("process blocked"), std::string::npos) << log;
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(std::chrono::seconds(30)), 0) << daemon.Log();
}

TEST(DependenciesTest, AFailingRedisLeavesItsDependentsBlockedAndAStartStartsItAgain) {
  StandIns standins;
  standins.BreakRedis();
  TempDir dir;
  const int fpm = FreePort(), redis = FreePort();
  auto env = standins.Env(fpm, redis);
  env["PHPEEK_PM_GLOBAL_RESTART_BACKOFF_INITIAL"] = "100ms";  // the file's 5 s, 10 s: too slow here
  Daemon daemon({"-c", LaravelHealthchecks(dir, fpm, redis)}, env);
  const int port = ApiPort(daemon);
  ASSERT_GT(port, 0) << daemon.Log();
  ASSERT_TRUE(daemon.WaitForLog("process failed; giving up process=redis")) << daemon.Log();
  const char* kReason = "'redis' failed (exit code 1)";
  for (const char* name : {"horizon", "queue-default", "queue-high", "reverb"}) {
    ASSERT_TRUE(WaitUntil([&] { return StateOf(port, name) == "blocked"; })) << name << "\n"
                                                                             << daemon.Log();
    const auto p = Process(port, name);
    EXPECT_EQ(p->getValue<std::string>("reason"), kReason) << name;
    const auto instance = p->getArray("instances")->getObject(0);
    EXPECT_EQ(instance->getValue<std::string>("state"), "blocked") << name;
    EXPECT_EQ(instance->getValue<std::string>("reason"), kReason) << name;
    EXPECT_TRUE(daemon.LogContains("process blocked: a dependency cannot let it start process=" +
                                   std::string(name) + " dependency=redis reason=\"" + kReason))
        << daemon.Log();
  }
  // nginx needs only php-fpm: it starts once php-fpm is healthy, and its dependents stay blocked.
  ASSERT_TRUE(daemon.WaitForLog("process spawned process=nginx", std::chrono::seconds(20)))
      << daemon.Log();
  EXPECT_EQ(WaitingFor(Process(port, "horizon")), std::vector<std::string>{"redis"});
  EXPECT_EQ(StateOf(port, "horizon"), "blocked");
  EXPECT_EQ(
      CountOf(daemon.Log(), "process blocked: a dependency cannot let it start process=horizon"),
      1u)
      << "logged once: " << daemon.Log();
  EXPECT_FALSE(daemon.LogContains("process spawned process=horizon"));

  // A start of a blocked dependent starts redis again (systemd's Requires=); --wait returns once
  // the dependent is ready, after redis's health check passed.
  standins.FixRedis();
  const RunResult r = RunCommand({BinaryPath(), "start", "queue-default", "--wait", "--timeout",
                                  "30", "--url", "http://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << daemon.Log();
  EXPECT_NE(r.out.find("queue-default: running, 3/3 instances running, 3 ready"), std::string::npos)
      << r.out;
  EXPECT_TRUE(daemon.LogContains("starting dependency process=redis for=queue-default"));
  EXPECT_EQ(StateOf(port, "redis"), "running");
  EXPECT_EQ(StateOf(port, "queue-default"), "running");
  const std::string log = daemon.Log();
  EXPECT_LT(At(log, "process healthy process=redis"),
            At(log, "process spawned process=queue-default"))
      << log;
  // The other dependents were waiting too: redis is back, so they start.
  ASSERT_TRUE(WaitUntil([&] { return StateOf(port, "queue-high") == "running"; })) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(std::chrono::seconds(30)), 0) << daemon.Log();
}

// --wait means ready: a readiness check that has not passed keeps it waiting, and the timeout
// says what for; a oneshot answers with its exit code.
TEST(DependenciesTest, WaitMeansReadyAndAOneshotAnswersWithItsExitCode) {
  TempDir dir;
  const std::string flag = dir.Join("healthy");
  const std::string yaml =
      "global:\n  api_port: 0\n  log_format: text\n  max_restart_attempts: 1\n"
      "processes:\n"
      "  web:\n    command: [\"sleep\", \"600\"]\n    initial_state: stopped\n"
      "    health_check:\n      type: exec\n      command: [\"test\", \"-e\", \"" +
      flag +
      "\"]\n      initial_delay: 200ms\n      period: 200ms\n      mode: readiness\n"
      "  migrate:\n    type: oneshot\n    command: \"exit 3\"\n    restart: never\n"
      "    initial_state: stopped\n"
      "  seed:\n    type: oneshot\n    command: \"sleep 0.5\"\n    initial_state: stopped\n";
  Daemon daemon({"-c", dir.Write("phpeek-pm.yaml", yaml)});
  const int port = ApiPort(daemon);
  ASSERT_GT(port, 0) << daemon.Log();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  RunResult r =
      RunCommand({BinaryPath(), "start", "web", "--wait", "--timeout", "2", "--url", url});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("timed out after 2s waiting for web to be ready (now running, 1/1 "
                       "instances running, 0 ready)"),
            std::string::npos)
      << r.err;
  dir.Write("healthy", "");
  r = RunCommand({BinaryPath(), "restart", "web", "--wait", "--timeout", "20", "--url", url});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("web: running, 1/1 instances running, 1 ready"), std::string::npos) << r.out;
  EXPECT_TRUE(Process(port, "web")->getValue<bool>("ready"));

  r = RunCommand({BinaryPath(), "start", "seed", "--wait", "--timeout", "20", "--url", url});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("seed: completed"), std::string::npos) << r.out;
  r = RunCommand({BinaryPath(), "start", "migrate", "--wait", "--timeout", "20", "--url", url});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("migrate failed"), std::string::npos) << r.err;
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

// Each a configuration error with its place; the daemon starts nothing and exits 1.
TEST(DependenciesTest, BadDependenciesAreConfigErrorsAndNothingStarts) {
  struct Case {
    const char* name;
    std::string processes;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"unknown condition",
       "  db:\n    command: [\"sleep\", \"60\"]\n  web:\n    command: [\"sleep\", \"60\"]\n"
       "    depends_on:\n      db: {condition: process_helthy}\n",
       ":9:23: error: processes.web.depends_on.db.condition: "},
      {"cycle through the map form",
       "  db:\n    command: [\"sleep\", \"60\"]\n    depends_on: {web: {condition: "
       "process_started}}\n  web:\n    command: [\"sleep\", \"60\"]\n    depends_on:\n"
       "      db: {condition: process_started}\n",
       ":10:7: error: processes.web.depends_on.db: dependency cycle: db -> web -> db"},
      {"unknown process",
       "  web:\n    command: [\"sleep\", \"60\"]\n    depends_on: {redis: {condition: "
       "process_started}}\n",
       ":6:18: error: processes.web.depends_on.redis: 'web' depends on 'redis', which is not "
       "defined"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    const std::string path =
        dir.Write("phpeek-pm.yaml", "global:\n  api_enabled: false\nprocesses:\n" + c.processes);
    const RunResult check = RunCommand({BinaryPath(), "check-config", "-c", path});
    EXPECT_EQ(check.exit_code, 1) << c.name;
    EXPECT_NE(check.err.find(path + c.error), std::string::npos) << c.name << "\n" << check.err;
    Daemon daemon({"-c", path});
    EXPECT_EQ(daemon.WaitExit(), 1) << c.name;
    EXPECT_FALSE(daemon.LogContains("process spawned")) << c.name << "\n" << daemon.Log();
  }
}

}  // namespace
}  // namespace phpeek::testing
