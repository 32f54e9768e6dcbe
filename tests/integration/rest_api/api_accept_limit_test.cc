// The real daemon at its open-file limit: accept() fails with EMFILE while connections wait in
// the listen queue. Before issue 10 the acceptor polled again at once, spun at full CPU and logged
// ~4000 warnings in 0.1 s; now it closes the connections idle longest to make room, else pauses,
// logs once a second with a count, and serves again as soon as descriptors are free.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <sstream>

#include "tests/integration/rest_api/api_daemon.h"
#include "tests/support/test_support.h"

namespace phpeek::rest::itest {
namespace {

using phpeek::testing::ReadFile;
using phpeek::testing::ScopedNofileLimit;
using phpeek::testing::WaitUntil;
using phpeek::testing::http::RawConnection;
using namespace std::chrono_literals;

// CPU seconds (user + system) the process has used, from /proc/<pid>/stat.
double CpuSeconds(pid_t pid) {
  const std::string stat = ReadFile("/proc/" + std::to_string(pid) + "/stat");
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

TEST(RestApiAcceptLimit, AtTheOpenFileLimitItPausesAndLogsOnceASecond) {
  std::unique_ptr<ApiDaemon> d;
  {
    ScopedNofileLimit limit(64);
    d = std::make_unique<ApiDaemon>("", "  web:\n    command: [\"sleep\", \"600\"]\n");
  }
  ASSERT_TRUE(d->ready()) << d->daemon().Log();
  // The flood starts once the daemon is up: the plugin listens before the core has made its own
  // descriptors (its event loop), and with 64 of them a flood at that moment leaves the core none.
  ASSERT_TRUE(WaitUntil([&] { return RunningPids(d->Process("web")).size() == 1; }))
      << d->daemon().Log();
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 100; ++i) clients.push_back(std::make_unique<RawConnection>(d->port()));
  ASSERT_TRUE(d->daemon().WaitForLog("Too many open files", 5s)) << d->daemon().Log();
  const double cpu_before = CpuSeconds(d->daemon().pid());
  const auto start = std::chrono::steady_clock::now();
  // The first line counts 1 failure; a later one, a second on, counts the rest.
  ASSERT_TRUE(d->daemon().WaitForLog("failures since the last report", 5s)) << d->daemon().Log();
  const double window =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds(d->daemon().pid()) - cpu_before;
  const std::string log = d->daemon().Log();
  EXPECT_LE(phpeek::testing::CountOf(log, "accept"), 4u) << log.substr(0, 4000);
  EXPECT_NE(log.find("cannot accept connections on 127.0.0.1:" + std::to_string(d->port()) +
                     ": Too many open files (EMFILE), 1 failure since the last report"),
            std::string::npos)
      << log.substr(0, 4000);
  EXPECT_LT(cpu, 0.3 * window + 0.05)
      << "the acceptor must not spin: " << cpu << " s of CPU in " << window << " s";
  // Descriptors free again: the waiting connections are accepted and a new client is served.
  clients.clear();
  EXPECT_TRUE(WaitUntil(
      [&] {
        try {
          return d->Call("GET", "/api/v1/health").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      10s));
  EXPECT_TRUE(d->daemon().WaitForLog("accepting connections again after ", 5s))
      << d->daemon().Log();
}

}  // namespace
}  // namespace phpeek::rest::itest
