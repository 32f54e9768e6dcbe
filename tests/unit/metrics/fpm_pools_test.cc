// php-fpm pools from the host's process list (shared or per instance), their answers read as
// status pages, the families they give (promtool on them), and the scraper on real sockets with
// its log lines when a pool stops and starts answering.
#include "plugins/metrics/fpm_pools.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "phpeek/plugin_abi.h"
#include "tests/support/canned_server.h"
#include "tests/support/test_support.h"
#include "tests/unit/metrics/fastcgi_test_server.h"
#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::CannedServer;
using phpeek::testing::TempDir;
using testing::FcgiAnswer;
using testing::kFcgiRequestEnd;
using testing::UnixOneShot;

const std::string kPoolJson =
    "{\"pool\":\"www\",\"process manager\":\"dynamic\",\"start time\":1796597650,\"start "
    "since\":9,\"accepted conn\":12,\"listen queue\":0,\"max listen queue\":2,\"listen queue "
    "len\":511,\"idle processes\":3,\"active processes\":1,\"total processes\":4,\"max active "
    "processes\":2,\"max children reached\":1,\"slow requests\":0}";
const std::string kPoolCgi = "Content-Type: application/json\r\n\r\n" + kPoolJson;

std::vector<ProcessSnapshot> DecodedList(const std::string& processes_json) {
  std::vector<ProcessSnapshot> out;
  std::string err;
  EXPECT_TRUE(ParseProcessList("{\"schema\":1,\"processes\":[" + processes_json + "]}", &out, &err))
      << err;
  return out;
}

std::string FpmInstanceJson(const std::string& id, int pid) {
  return "{\"id\":\"" + id + "\",\"state\":\"" + (pid > 0 ? "running" : "stopped") +
         "\",\"pid\":" + std::to_string(pid) + "}";
}

std::string FpmProcessJson(const std::string& name, const std::string& fpm,
                           const std::vector<std::string>& instances,
                           const std::string& extra = "") {
  std::string list;
  for (const std::string& i : instances) list += (list.empty() ? "" : ",") + i;
  return "{\"name\":\"" + name +
         "\",\"state\":\"running\",\"scale\":" + std::to_string(instances.size()) +
         ",\"instances\":[" + list + "]" + (fpm.empty() ? "" : ",\"php_fpm_status\":" + fpm) +
         extra + "}";
}

TEST(FpmPools, SharedAndPerInstancePoolsFromTheProcessList) {
  const auto processes = DecodedList(
      FpmProcessJson("shared", "{\"address\":\"127.0.0.1:9000\",\"path\":\"/status\"}",
                     {FpmInstanceJson("shared-0", 0), FpmInstanceJson("shared-1", 42)}) +
      "," +
      FpmProcessJson("each",
                     "{\"address\":\"unix:/run/fpm-{instance_index}.sock\",\"path\":\"/st\"}",
                     {FpmInstanceJson("each-0", 43), FpmInstanceJson("each-1", 0)}) +
      "," + FpmProcessJson("plain", "", {FpmInstanceJson("plain-0", 44)}) + "," +
      FpmProcessJson("nopath", "{\"address\":\"127.0.0.1:9001\"}",
                     {FpmInstanceJson("nopath-0", 45)}) +
      "," +
      FpmProcessJson("job", "{\"address\":\"127.0.0.1:9002\",\"path\":\"/status\"}", {},
                     ",\"type\":\"scheduled\""));
  const std::vector<FpmPool> pools = FpmPoolsOf(processes);
  ASSERT_EQ(pools.size(), 4u);
  EXPECT_EQ(pools[0].process, "shared");
  EXPECT_EQ(pools[0].instance, "");
  EXPECT_EQ(pools[0].address, "127.0.0.1:9000");
  EXPECT_TRUE(pools[0].live);  // shared-1 runs
  EXPECT_EQ(pools[1].instance, "each-0");
  EXPECT_EQ(pools[1].address, "unix:/run/fpm-0.sock");
  EXPECT_EQ(pools[1].path, "/st");
  EXPECT_TRUE(pools[1].live);
  EXPECT_EQ(pools[2].instance, "each-1");
  EXPECT_EQ(pools[2].address, "unix:/run/fpm-1.sock");
  EXPECT_FALSE(pools[2].live);
  EXPECT_EQ(pools[3].process, "nopath");
  EXPECT_EQ(pools[3].path, "/status");  // the default
}

TEST(FpmPools, AnswersReadAsStatusPages) {
  fastcgi::Result answer;
  answer.ok = true;
  answer.output = kPoolCgi;
  FpmReading r = ReadFpmAnswer(answer);
  ASSERT_TRUE(r.up) << r.error;
  EXPECT_EQ(r.status.accepted_connections, 12);
  EXPECT_EQ(r.status.total_processes, 4);

  answer.output = "Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nFile not found.\n";
  answer.errors = "Primary script unknown";
  r = ReadFpmAnswer(answer);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error,
            "status page answered 404 (Primary script unknown): is the path the pool's "
            "pm.status_path?");

  answer.output = "Content-type: text/html\r\n\r\n<?php echo 1;";
  EXPECT_EQ(ReadFpmAnswer(answer).error.substr(0, 21), "not php-fpm's status:");
  answer.output = "no headers at all";
  EXPECT_FALSE(ReadFpmAnswer(answer).up);

  fastcgi::Result failed;
  failed.error = "cannot connect: Connection refused";
  r = ReadFpmAnswer(failed);
  EXPECT_FALSE(r.up);
  EXPECT_EQ(r.error, "cannot connect: Connection refused");
}

TEST(FpmPools, FamiliesCarryTheFiguresOnlyOfPoolsThatAnswered) {
  const std::vector<FpmPool> pools = {{"php-fpm", "", "127.0.0.1:9000", "/status", true},
                                      {"each", "each-0", "127.0.0.1:9100", "/status", true},
                                      {"each", "each-1", "127.0.0.1:9101", "/status", true}};
  std::vector<FpmReading> readings(3);
  std::string err;
  readings[0].up = ParseFpmStatus(kPoolJson, &readings[0].status, &err);
  readings[2].up = ParseFpmStatus(kPoolJson, &readings[2].status, &err);
  readings[1].error = "cannot connect: Connection refused";
  const std::string text = RenderText(FpmFamilies(pools, readings));
  for (const char* line : {
           "phpeek_pm_php_fpm_up{name=\"php-fpm\"} 1\n",
           "phpeek_pm_php_fpm_up{name=\"each\",instance=\"each-0\"} 0\n",
           "phpeek_pm_php_fpm_up{name=\"each\",instance=\"each-1\"} 1\n",
           "phpeek_pm_php_fpm_accepted_connections_total{name=\"php-fpm\"} 12\n",
           "phpeek_pm_php_fpm_active_processes{name=\"php-fpm\"} 1\n",
           "phpeek_pm_php_fpm_idle_processes{name=\"each\",instance=\"each-1\"} 3\n",
           "phpeek_pm_php_fpm_total_processes{name=\"php-fpm\"} 4\n",
           "phpeek_pm_php_fpm_listen_queue{name=\"php-fpm\"} 0\n",
           "phpeek_pm_php_fpm_max_listen_queue{name=\"php-fpm\"} 2\n",
           "phpeek_pm_php_fpm_max_children_reached_total{name=\"php-fpm\"} 1\n",
           "phpeek_pm_php_fpm_slow_requests_total{name=\"php-fpm\"} 0\n",
           "# TYPE phpeek_pm_php_fpm_accepted_connections_total counter\n",
           "# TYPE phpeek_pm_php_fpm_up gauge\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << text;
  }
  EXPECT_EQ(text.find("instance=\"each-0\"} 0\nphpeek_pm_php_fpm_accepted"), std::string::npos);
  EXPECT_EQ(phpeek::testing::CountOf(text, "each-0"), 1u) << "a pool that did not answer: up only";
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(text);
  // Without pools the families are still listed (HELP and TYPE), with no series.
  const std::string empty = RenderText(FpmFamilies({}, {}));
  EXPECT_EQ(phpeek::testing::CountOf(empty, "# TYPE phpeek_pm_php_fpm_"), 9u);
  EXPECT_EQ(phpeek::testing::CountOf(empty, "\nphpeek_pm_php_fpm_"), 0u);
}

// On real sockets: a TCP pool and a unix-socket pool answer; the unix one goes away (warned once,
// however many scrapes), then answers again (said once).
TEST(FpmPools, ScraperAsksLivePoolsAndSaysWhenOneStopsAndStartsAnswering) {
  std::vector<std::pair<int, std::string>> logged;
  FpmScraper scraper([&](int level, const std::string& m) { logged.emplace_back(level, m); },
                     fastcgi::FetchLimits{});
  TempDir dir;
  const std::string sock = dir.Join("fpm.sock");
  const std::string never = dir.Join("never.sock");  // nothing ever listens there
  CannedServer tcp(CannedServer::Mode::kAnswer, FcgiAnswer(kPoolCgi), kFcgiRequestEnd);
  auto fpm = [](const std::string& address) {
    return "{\"address\":\"" + address + "\",\"path\":\"/status\"}";
  };
  const auto processes = DecodedList(
      FpmProcessJson("tcp", fpm("127.0.0.1:" + std::to_string(tcp.port())),
                     {FpmInstanceJson("tcp-0", 42)}) +
      "," + FpmProcessJson("sock", fpm("unix:" + sock), {FpmInstanceJson("sock-0", 43)}) + "," +
      FpmProcessJson("down", fpm("127.0.0.1:1"), {FpmInstanceJson("down-0", 0)}) + "," +
      FpmProcessJson("never", fpm("unix:" + never), {FpmInstanceJson("never-0", 44)}));
  auto up_lines = [](const std::vector<Family>& families) {
    std::string text = RenderText(families);
    std::string ups;
    for (const char* name : {"tcp", "sock", "down", "never"}) {
      const std::string series = "phpeek_pm_php_fpm_up{name=\"" + std::string(name) + "\"} ";
      const size_t at = text.find(series);
      ups += at == std::string::npos ? "?" : text.substr(at + series.size(), 1);
    }
    return ups;
  };
  const std::string never_warning =
      "php-fpm pool of never (unix:" + never +
      ", /status) does not answer: cannot connect: No such file or directory "
      "(phpeek_pm_php_fpm_up 0; said again when the reason changes)";
  {
    UnixOneShot server(sock, FcgiAnswer(kPoolCgi));
    EXPECT_EQ(up_lines(scraper.Scrape(processes)), "1100");  // `down` has no process: not asked
    EXPECT_NE(server.request().find("/status?json"), std::string::npos);
  }
  // A pool that has never answered (php-fpm starting up) is said at its second failure only.
  EXPECT_TRUE(logged.empty());
  // One that answered before is said at its first.
  EXPECT_EQ(up_lines(scraper.Scrape(processes)), "1000");
  EXPECT_EQ(up_lines(scraper.Scrape(processes)), "1000");
  ASSERT_EQ(logged.size(), 2u);
  EXPECT_EQ(logged[0].first, PHPEEK_LOG_WARN);
  EXPECT_EQ(logged[0].second, "php-fpm pool of sock (unix:" + sock +
                                  ", /status) does not answer: cannot connect: Connection refused "
                                  "(phpeek_pm_php_fpm_up 0; said again when the reason changes)");
  EXPECT_EQ(logged[1].first, PHPEEK_LOG_WARN);
  EXPECT_EQ(logged[1].second, never_warning);
  UnixOneShot back(sock, FcgiAnswer(kPoolCgi));
  EXPECT_EQ(up_lines(scraper.Scrape(processes)), "1100");
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(logged[2].first, PHPEEK_LOG_INFO);
  EXPECT_EQ(logged[2].second, "php-fpm pool of sock (unix:" + sock + ", /status) answers again");
}

}  // namespace
}  // namespace phpeek::metrics
