// A graceful php-fpm reload under load: Debian's php-fpm 8.2 behind a real nginx, both supervised
// by the daemon, a steady stream of requests through nginx, and `phpeek-pm reload php-fpm --wait`
// in the middle of it. php-fpm's SIGUSR2 (its reload_signal) re-executes the master on the same
// listening socket and lets busy workers finish (process_control_timeout), so no request may
// fail, while a restart (a new master, the socket closed between) made nginx answer 502. Its
// config_test (php-fpm8.2 -t) catches a broken pool file before a reload.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <thread>

#include "Poco/Exception.h"
#include "tests/integration/rest_api/api_daemon.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::BinaryPath;
using phpeek::testing::FreePort;
using phpeek::testing::RunCommand;
using phpeek::testing::TempDir;
using phpeek::testing::WaitUntil;

bool Have(const std::string& program) {
  return RunCommand({"sh", "-c", "command -v " + program}).exit_code == 0;
}

// The pool, nginx and the page, in `dir`; php-fpm on `fpm_port`, nginx on `http_port`.
std::string Stack(const TempDir& dir, int fpm_port, int http_port) {
  const std::string d = dir.path();
  dir.Write("index.php", "<?php usleep(20000); echo 'ok ', getmypid(), \"\\n\";\n");
  const std::string fpm =
      dir.Write("php-fpm.conf",
                "[global]\npid = " + d + "/php-fpm.pid\nerror_log = /proc/self/fd/2\n" +
                    "daemonize = no\nprocess_control_timeout = 10\n[app]\nlisten = 127.0.0.1:" +
                    std::to_string(fpm_port) + "\npm = static\npm.max_children = 2\n");
  const std::string nginx = dir.Write(
      "nginx.conf",
      "worker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
          "/nginx-error.log error;\nevents { worker_connections 64; }\nhttp {\n" +
          "  access_log off;\n  client_body_temp_path " + d + "/body;\n" + "  proxy_temp_path " +
          d + "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d +
          "/uwsgi;\n  scgi_temp_path " + d +
          "/scgi;\n  server {\n    listen 127.0.0.1:" + std::to_string(http_port) +
          ";\n    location / {\n      fastcgi_pass 127.0.0.1:" + std::to_string(fpm_port) +
          ";\n      fastcgi_param SCRIPT_FILENAME " + d +
          "/index.php;\n      fastcgi_param REQUEST_METHOD $request_method;\n" + "    }\n  }\n}\n");
  return "  php-fpm:\n    command: [\"php-fpm8.2\", \"-F\", \"-R\", \"-n\", \"-y\", \"" + fpm +
         "\", \"-p\", \"" + d +
         "\"]\n    reload_signal: SIGUSR2\n    shutdown: {signal: SIGQUIT, timeout: 10s}\n" +
         "    config_test: [\"php-fpm8.2\", \"-t\", \"-R\", \"-n\", \"-y\", \"" + fpm +
         "\", \"-p\", \"" + d + "\"]\n" +
         "    health_check: {type: tcp, address: \"127.0.0.1:" + std::to_string(fpm_port) +
         "\", period: 200ms, mode: readiness}\n"
         "  nginx:\n    command: [\"nginx\", \"-p\", \"" +
         d + "\", \"-c\", \"" + nginx + "\", \"-e\", \"" + d +
         "/nginx-error.log\", \"-g\", \"daemon off;\"]\n    depends_on: [php-fpm]\n";
}

// The answer's worker pid ("ok <pid>"), or 0 for any failure (refused, 502, 504, garbled).
int Get(int port) {
  try {
    const Reply r = phpeek::testing::http::Request(port, "GET", "/");
    if (r.status != 200 || r.body.rfind("ok ", 0) != 0) return 0;
    return std::atoi(r.body.c_str() + 3);
  } catch (const Poco::Exception&) {
    return 0;
  }
}

// The stack under the daemon, serving: every test starts from here.
class PhpFpmReload : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Have("php-fpm8.2") || !Have("nginx")) {
      GTEST_SKIP() << "needs php-fpm8.2 and nginx (packages php8.2-fpm, nginx-light)";
    }
    daemon_ = std::make_unique<ApiDaemon>("", Stack(stack, FreePort(), http_port));
    ASSERT_TRUE(daemon_->ready()) << daemon_->daemon().Log();
    ASSERT_TRUE(WaitUntil([&] { return Get(http_port) != 0; }, std::chrono::seconds(20)))
        << daemon_->daemon().Log();
  }
  TempDir stack;
  const int http_port = FreePort();
  std::unique_ptr<ApiDaemon> daemon_;
};

TEST_F(PhpFpmReload, NoRequestFailsAcrossAGracefulReload) {
  ApiDaemon& d = *daemon_;

  std::atomic<bool> stop{false};
  std::atomic<int> failed{0}, served{0};
  std::set<int> workers;  // pids that answered, before and after
  std::mutex mu;
  std::thread stream([&] {
    while (!stop.load()) {
      const int pid = Get(http_port);
      (pid == 0 ? failed : served).fetch_add(1);
      std::lock_guard<std::mutex> lock(mu);
      if (pid != 0) workers.insert(pid);
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return served.load() >= 10; }));
  std::set<int> before;
  {
    std::lock_guard<std::mutex> lock(mu);
    before = workers;
  }
  const int master = RunningPids(d.Process("php-fpm")).at(0);
  const auto r = RunCommand({BinaryPath(), "reload", "php-fpm", "--wait", "--timeout", "30"},
                            {{"PHPEEK_PM_API_URL", d.base_url()}});
  // Requests after the reload: answered by the new master's workers.
  const int after_reload = served.load();
  EXPECT_TRUE(WaitUntil([&] { return served.load() >= after_reload + 10; }));
  stop = true;
  stream.join();

  EXPECT_EQ(r.exit_code, 0) << r.out << r.err << d.daemon().Log();
  EXPECT_EQ(failed.load(), 0) << "of " << served.load() << "\n"
                              << phpeek::testing::ReadFile(stack.Join("nginx-error.log"));
  const auto fpm = d.Process("php-fpm");
  EXPECT_EQ(RunningPids(fpm), std::vector<int>{master});  // reloaded in place, not restarted
  const auto instance = fpm->getArray("instances")->getObject(0);
  EXPECT_EQ(instance->getValue<int>("reloads"), 1);
  EXPECT_EQ(instance->getValue<int>("restart_count"), 0);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GT(workers.size(), before.size()) << "the reload brought new workers";
}

// config_test (php-fpm8.2 -t) catches a broken pool file before the reload: php-fpm keeps
// serving with the pool it has, the client says why; once the file is fixed the reload goes on.
TEST_F(PhpFpmReload, ABrokenPoolFileIsCaughtBeforeTheReload) {
  ApiDaemon& d = *daemon_;
  const std::string pool = phpeek::testing::ReadFile(stack.Join("php-fpm.conf"));
  stack.Write("php-fpm.conf", pool + "pm.max_children = many\n");
  const std::map<std::string, std::string> env = {{"PHPEEK_PM_API_URL", d.base_url()}};
  auto r = RunCommand({BinaryPath(), "reload", "php-fpm", "--wait", "--timeout", "30"}, env);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("the config test of php-fpm failed (exit code 78)"), std::string::npos)
      << r.err;
  EXPECT_NE(Get(http_port), 0) << "still serving with the pool it has";
  EXPECT_FALSE(d.Process("php-fpm")->getArray("instances")->getObject(0)->has("reloads"));
  EXPECT_TRUE(d.daemon().WaitForLog("unable to parse value for entry 'pm.max_children'"))
      << "the test's output is in the log";

  stack.Write("php-fpm.conf", pool);
  r = RunCommand({BinaryPath(), "reload", "php-fpm", "--wait", "--timeout", "30"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(d.Process("php-fpm")->getArray("instances")->getObject(0)->getValue<int>("reloads"), 1);
  EXPECT_NE(Get(http_port), 0);
}

}  // namespace
}  // namespace phpeek::rest::itest
