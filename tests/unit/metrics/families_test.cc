#include "plugins/metrics/families.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/support/test_support.h"
#include "tests/unit/metrics/promtool_check.h"

namespace phpeek::metrics {
namespace {

using phpeek::testing::RunCommand;
using phpeek::testing::TempDir;

// Instance JSON as the host writes it; `extra` adds optional keys.
std::string Instance(const std::string& id, const std::string& state, int pid,
                     const std::string& extra = "") {
  return "{\"id\":\"" + id + "\",\"state\":\"" + state + "\",\"pid\":" + std::to_string(pid) +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::string Process(const std::string& name, int scale, const std::vector<std::string>& insts) {
  std::string joined;
  for (const auto& i : insts) joined += (joined.empty() ? "" : ",") + i;
  return "{\"name\":\"" + name + "\",\"state\":\"running\",\"scale\":" + std::to_string(scale) +
         ",\"instances\":[" + joined + "],\"future_key\":{\"x\":1}}";
}

std::string List(const std::vector<std::string>& procs) {
  std::string joined;
  for (const auto& p : procs) joined += (joined.empty() ? "" : ",") + p;
  return "{\"schema\":1,\"processes\":[" + joined + "]}";
}

std::vector<ProcessSnapshot> Parse(const std::string& json) {
  std::vector<ProcessSnapshot> out;
  std::string err;
  EXPECT_TRUE(ParseProcessList(json, &out, &err)) << err;
  return out;
}

std::string Render(const std::vector<ProcessSnapshot>& procs, const Collector& c,
                   const std::unordered_map<pid_t, GroupUsage>& usage = {}) {
  return RenderText(BuildFamilies(procs, c, usage, DaemonInfo{"1.2.3", 1700000000.5}));
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(ParseProcessList, DecodesFieldsAndIgnoresUnknownKeys) {
  const auto procs = Parse(List(
      {Process("web", 2,
               {Instance("web-0", "running", 42,
                         "\"started_at\":1700000001,\"restart_count\":2,\"last_exit_code\":null"),
                Instance("web-1", "backoff", 0, "\"last_exit_code\":-1,\"last_signal\":9")})}));
  ASSERT_EQ(procs.size(), 1u);
  ASSERT_EQ(procs[0].instances.size(), 2u);
  EXPECT_EQ(procs[0].name, "web");
  EXPECT_EQ(procs[0].scale, 2);
  const InstanceSnapshot& a = procs[0].instances[0];
  EXPECT_EQ(a.id, "web-0");
  EXPECT_EQ(a.pid, 42);
  EXPECT_EQ(a.started_at, 1700000001.0);
  EXPECT_EQ(a.restart_count, 2);
  EXPECT_FALSE(a.last_exit_code.has_value());
  EXPECT_EQ(PublishedExitCode(a), std::nullopt);
  EXPECT_EQ(PublishedExitCode(procs[0].instances[1]), 137);  // 128 + SIGKILL
}

TEST(ParseProcessList, RejectsWhatIsNotAProcessList) {
  std::vector<ProcessSnapshot> out;
  std::string err;
  EXPECT_FALSE(ParseProcessList("{\"schema\":1", &out, &err));
  EXPECT_NE(err.find("not valid JSON"), std::string::npos) << err;
  EXPECT_FALSE(ParseProcessList("[1,2]", &out, &err));
  EXPECT_FALSE(ParseProcessList("{\"schema\":1}", &out, &err));
  EXPECT_NE(err.find("processes"), std::string::npos) << err;
  EXPECT_FALSE(ParseProcessList("{\"processes\":[{\"scale\":1}]}", &out, &err));
  EXPECT_NE(err.find("name"), std::string::npos) << err;
}

TEST(ProcessListDecoder, DecodesAgainOnlyWhenTheTextChanges) {
  ProcessListDecoder decoder;
  const std::string one = List({Process("web", 1, {Instance("web-0", "running", 42, "")})});
  const std::string two = List({Process("web", 1, {Instance("web-0", "running", 43, "")})});
  ProcessList first, again, changed, bad;
  std::string err;
  ASSERT_TRUE(decoder.Decode(one, &first, &err)) << err;
  ASSERT_TRUE(decoder.Decode(one, &again, &err)) << err;
  EXPECT_EQ(first.get(), again.get());  // the same text: the same decoded list
  ASSERT_TRUE(decoder.Decode(two, &changed, &err)) << err;
  EXPECT_NE(changed.get(), first.get());
  EXPECT_EQ(changed->at(0).instances.at(0).pid, 43);
  EXPECT_EQ(first->at(0).instances.at(0).pid, 42);  // a list already handed out stays as it was
  EXPECT_FALSE(decoder.Decode("{\"schema\":1", &bad, &err));
  ASSERT_TRUE(decoder.Decode(two, &again, &err)) << err;
  EXPECT_EQ(again.get(), changed.get());  // a bad text does not replace the kept list
}

TEST(BuildFamilies, PublishesEveryFamilyOfTheOriginalDashboards) {
  const auto procs = Parse(List({Process(
      "php-fpm", 2,
      {Instance("php-fpm-0", "running", 4242, "\"started_at\":1700000001,\"last_exit_code\":0"),
       Instance("php-fpm-1", "backoff", 0, "\"last_exit_code\":3")})}));
  Collector c;
  const std::unordered_map<pid_t, GroupUsage> usage = {
      {4242, GroupUsage{1.5, 8192, 7, 3, true, true}}};
  const std::string out = Render(procs, c, usage);
  EXPECT_TRUE(Has(out, "phpeek_pm_build_info{version=\"1.2.3\"} 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_manager_start_time_seconds 1700000000.5"));
  EXPECT_TRUE(Has(out, "phpeek_pm_manager_process_count 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_process_up{name=\"php-fpm\",instance=\"php-fpm-0\"} 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_process_up{name=\"php-fpm\",instance=\"php-fpm-1\"} 0"));
  for (const char* reason : {"crash", "normal_exit", "health_check", "manual"}) {
    EXPECT_TRUE(
        Has(out, std::string("phpeek_pm_process_restarts_total{name=\"php-fpm\",reason=\"") +
                     reason + "\"} 0"));
  }
  EXPECT_TRUE(Has(
      out,
      "phpeek_pm_process_start_time_seconds{name=\"php-fpm\",instance=\"php-fpm-0\"} 1700000001"));
  EXPECT_EQ(
      out.find("phpeek_pm_process_start_time_seconds{name=\"php-fpm\",instance=\"php-fpm-1\"}"),
      std::string::npos);  // no process, no start time
  EXPECT_TRUE(
      Has(out, "phpeek_pm_process_last_exit_code{name=\"php-fpm\",instance=\"php-fpm-0\"} 0"));
  EXPECT_TRUE(
      Has(out, "phpeek_pm_process_last_exit_code{name=\"php-fpm\",instance=\"php-fpm-1\"} 3"));
  EXPECT_TRUE(Has(out, "phpeek_pm_process_desired_scale{name=\"php-fpm\"} 2"));
  EXPECT_TRUE(Has(out, "phpeek_pm_process_current_scale{name=\"php-fpm\"} 1"));
  EXPECT_TRUE(Has(
      out, "phpeek_pm_process_cpu_seconds_total{process=\"php-fpm\",instance=\"php-fpm-0\"} 1.5"));
  EXPECT_TRUE(Has(out,
                  "phpeek_pm_process_memory_bytes{process=\"php-fpm\",instance=\"php-fpm-0\",type="
                  "\"rss\"} 8192"));
  EXPECT_TRUE(
      Has(out, "phpeek_pm_process_file_descriptors{process=\"php-fpm\",instance=\"php-fpm-0\"} 7"));
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_process_restarts_total counter"));
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_process_cpu_seconds_total counter"));
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_process_up gauge"));
}

// A health check as the host reports it (ABI 1.1).
std::string Checked(const std::string& health, int passed, int failed, int fails_in_a_row) {
  return "\"health\":\"" + health +
         "\",\"health_check\":{\"type\":\"tcp\",\"mode\":\"both\",\"consecutive_failures\":" +
         std::to_string(fails_in_a_row) + ",\"passed\":" + std::to_string(passed) +
         ",\"failed\":" + std::to_string(failed) +
         ",\"duration_seconds_sum\":0.125,\"duration_seconds_buckets\":[{\"le\":0.001,\"count\":1},"
         "{\"le\":0.01,\"count\":3},{\"le\":0.05,\"count\":4},{\"le\":0.1,\"count\":4},"
         "{\"le\":0.5,\"count\":5},{\"le\":1,\"count\":5},{\"le\":5,\"count\":5}],"
         "\"last_failure\":\"x\"}";
}

// The original's four health-check families, per instance.
TEST(BuildFamilies, HealthCheckFamiliesPerInstance) {
  const auto procs =
      Parse(List({Process("php-fpm", 2,
                          {Instance("php-fpm-0", "running", 42, Checked("healthy", 4, 1, 0)),
                           Instance("php-fpm-1", "running", 43, Checked("unhealthy", 2, 3, 3))}),
                  Process("worker", 1, {Instance("worker-0", "running", 44)})}));
  ASSERT_TRUE(procs[0].instances[1].health_check);
  EXPECT_EQ(procs[0].instances[1].health_check->buckets.size(), 7u);
  EXPECT_FALSE(procs[1].instances[0].health_check);
  Collector c;
  const std::string out = Render(procs, c);
  const std::string l0 = "name=\"php-fpm\",type=\"tcp\",instance=\"php-fpm-0\"";
  const std::string l1 = "name=\"php-fpm\",type=\"tcp\",instance=\"php-fpm-1\"";
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_status{" + l0 + "} 1")) << out;
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_status{" + l1 + "} 0"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_total{" + l0 + ",status=\"success\"} 4"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_total{" + l1 + ",status=\"failure\"} 3"));
  EXPECT_TRUE(
      Has(out, "phpeek_pm_health_check_duration_seconds_bucket{" + l0 + ",le=\"0.001\"} 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_duration_seconds_bucket{" + l0 + ",le=\"1\"} 5"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_duration_seconds_bucket{" + l0 + ",le=\"+Inf\"} 5"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_duration_seconds_sum{" + l0 + "} 0.125"));
  EXPECT_TRUE(Has(out, "phpeek_pm_health_check_duration_seconds_count{" + l0 + "} 5"));
  EXPECT_TRUE(Has(
      out, "phpeek_pm_health_check_consecutive_fails{name=\"php-fpm\",instance=\"php-fpm-1\"} 3"));
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_health_check_duration_seconds histogram"));
  EXPECT_EQ(out.find("health_check_status{name=\"worker\""), std::string::npos)
      << "no check, no series";
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(out);
}

TEST(BuildFamilies, RestartCountersComeFromTheCollector) {
  Collector c;
  phpeek_event ev{};
  ev.struct_size = sizeof(ev);
  ev.process = "q";
  ev.instance = "q-0";
  ev.type = PHPEEK_EVENT_EXITED;
  ev.exit_code = 1;
  c.OnEvent(ev);
  ev.type = PHPEEK_EVENT_SPAWNED;
  ev.pid = 5;
  c.OnEvent(ev);
  const std::string out =
      Render(Parse(List({Process("q", 1, {Instance("q-0", "running", 5)})})), c);
  EXPECT_TRUE(Has(out, "phpeek_pm_process_restarts_total{name=\"q\",reason=\"crash\"} 1"));
}

TEST(BuildFamilies, SeriesOfRemovedInstancesAndProcessesDisappear) {
  Collector c;
  const std::string before =
      Render(Parse(List({Process("w", 3,
                                 {Instance("w-0", "running", 10), Instance("w-1", "running", 11),
                                  Instance("w-2", "running", 12)}),
                         Process("gone", 1, {Instance("gone-0", "running", 20)})})),
             c);
  EXPECT_NE(before.find("instance=\"w-2\""), std::string::npos);
  EXPECT_NE(before.find("name=\"gone\""), std::string::npos);
  const std::string after = Render(
      Parse(List(
          {Process("w", 2, {Instance("w-0", "running", 10), Instance("w-1", "running", 11)})})),
      c);
  EXPECT_EQ(after.find("w-2"), std::string::npos);
  EXPECT_EQ(after.find("gone"), std::string::npos);
  EXPECT_TRUE(Has(after, "phpeek_pm_process_desired_scale{name=\"w\"} 2"));
  EXPECT_TRUE(Has(after, "phpeek_pm_manager_process_count 1"));
}

TEST(BuildFamilies, OutputIsStableAndInConfigurationOrder) {
  Collector c;
  const auto procs = Parse(
      List({Process("zz", 1, {Instance("zz-0", "running", 1)}),
            Process("aa", 2, {Instance("aa-0", "running", 2), Instance("aa-1", "stopped", 0)})}));
  const std::string out = Render(procs, c);
  EXPECT_EQ(Render(procs, c), out);
  EXPECT_LT(out.find("phpeek_pm_process_up{name=\"zz\""),
            out.find("phpeek_pm_process_up{name=\"aa\""));
  EXPECT_LT(out.find("instance=\"aa-0\"} 1"), out.find("instance=\"aa-1\"} 0"));
}

TEST(BuildFamilies, LiveGroupsAreThePidsOfInstancesWithAProcess) {
  const auto procs =
      Parse(List({Process("a", 2, {Instance("a-0", "running", 7), Instance("a-1", "stopped", 0)}),
                  Process("b", 1, {Instance("b-0", "starting", 9)})}));
  EXPECT_EQ(LiveGroups(procs), (std::unordered_set<pid_t>{7, 9}));
}

using testing::ExpectPromtoolAccepts;
// A scheduled job as the host lists it (ABI 1.1): no instances, the job members.
std::string JobProcess(const std::string& name, const std::string& next_run,
                       const std::string& last_run, const std::string& last_duration_ms) {
  return "{\"name\":\"" + name +
         "\",\"state\":\"stopped\",\"scale\":1,\"instances\":[],\"type\":\"scheduled\","
         "\"schedule\":\"*/5 * * * *\",\"schedule_state\":\"idle\",\"next_run\":" +
         next_run + ",\"last_run\":" + last_run + ",\"last_exit_code\":null,\"run_count\":9," +
         "\"last_duration_ms\":" + last_duration_ms +
         ",\"run_results\":{\"success\":5,\"failure\":2,\"timeout\":1,\"skipped\":3}}";
}

TEST(BuildFamilies, ScheduledJobsHaveTheirFamilies) {
  const auto procs =
      Parse(List({JobProcess("backup", "1700000300", "1700000000", "1500"),
                  JobProcess("paused", "null", "null", "null"), Process("web", 1, {})}));
  ASSERT_TRUE(procs[0].job);
  EXPECT_FALSE(procs[2].job);
  Collector c;
  const std::string out = Render(procs, c);
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_scheduled_runs_total counter"));
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_runs_total{name=\"backup\",result=\"success\"} 5"));
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_runs_total{name=\"backup\",result=\"failure\"} 2"));
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_runs_total{name=\"backup\",result=\"timeout\"} 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_runs_total{name=\"backup\",result=\"skipped\"} 3"));
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_duration_seconds{name=\"backup\"} 1.5"));
  EXPECT_TRUE(
      Has(out, "phpeek_pm_scheduled_last_run_timestamp_seconds{name=\"backup\"} 1700000000"));
  EXPECT_TRUE(
      Has(out, "phpeek_pm_scheduled_next_run_timestamp_seconds{name=\"backup\"} 1700000300"));
  // A paused job that never ran: its counters, no times.
  EXPECT_TRUE(Has(out, "phpeek_pm_scheduled_runs_total{name=\"paused\",result=\"success\"} 5"));
  EXPECT_EQ(out.find("_timestamp_seconds{name=\"paused\"}"), std::string::npos);
  EXPECT_EQ(out.find("phpeek_pm_scheduled_duration_seconds{name=\"paused\"}"), std::string::npos);
  EXPECT_EQ(out.find("{name=\"web\",result="), std::string::npos);
  // A job has no instances: nothing it should keep running.
  EXPECT_TRUE(Has(out, "phpeek_pm_process_desired_scale{name=\"backup\"} 0"));
}

using testing::HavePromtool;

TEST(Promtool, AcceptsTheRenderedOutput) {
  if (!HavePromtool()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  Collector c;
  const auto procs = Parse(List(
      {Process("php-fpm", 2,
               {Instance("php-fpm-0", "running", 4242, "\"started_at\":1700000001.25"),
                Instance("php-fpm-1", "failed", 0, "\"last_exit_code\":-1,\"last_signal\":9")}),
       Process("we\\\\ird\\\"name", 1, {Instance("we\\\\ird\\\"name-0", "running", 77)}),
       JobProcess("backup", "1700000300", "1700000000.5", "1500")}));
  const std::unordered_map<pid_t, GroupUsage> usage = {{4242, GroupUsage{0.25, 4096, 5, 1}},
                                                       {77, GroupUsage{12, 1 << 20, 3, 2}}};
  ExpectPromtoolAccepts(Render(procs, c, usage));
}

TEST(Promtool, RejectsBrokenTextSoTheCheckCanFail) {
  if (!HavePromtool()) GTEST_SKIP() << "promtool not installed (Debian package prometheus)";
  TempDir dir;
  const std::string path = dir.Write("bad.txt", "# TYPE x gauge\nx{a=\"unterminated} 1\n");
  EXPECT_EQ(RunCommand({"sh", "-c", "promtool check metrics < '" + path + "'"}).exit_code, 1);
}

TEST(BuildFamilies, WhatProcfsCouldNotTellIsLeftOutNotPublishedAsZero) {
  const auto procs =
      Parse(List({Process("web", 3,
                          {Instance("web-0", "running", 10), Instance("web-1", "running", 11),
                           Instance("web-2", "running", 12)})}));
  Collector c;
  const std::unordered_map<pid_t, GroupUsage> usage = {
      {10, GroupUsage{1, 4096, 5, 1, true, true}},
      {11, GroupUsage{1, 4096, 5, 2, /*complete=*/false, true}},   // a member's stat unreadable
      {12, GroupUsage{1, 4096, 5, 1, true, /*fds_known=*/false}},  // a member's fd dir unreadable
  };
  const std::string out = RenderText(BuildFamilies(procs, c, usage, DaemonInfo{"1.2.3", {}}));
  EXPECT_TRUE(Has(out, "# TYPE phpeek_pm_manager_start_time_seconds gauge"));
  EXPECT_EQ(out.find("\nphpeek_pm_manager_start_time_seconds "), std::string::npos) << out;
  const std::string cpu = "phpeek_pm_process_cpu_seconds_total{process=\"web\",instance=\"web-";
  const std::string fds = "phpeek_pm_process_file_descriptors{process=\"web\",instance=\"web-";
  EXPECT_TRUE(Has(out, cpu + "0\"} 1"));
  EXPECT_TRUE(Has(out, fds + "0\"} 5"));
  EXPECT_EQ(out.find(cpu + "1\""), std::string::npos);
  EXPECT_EQ(out.find("instance=\"web-1\",type=\"rss\""), std::string::npos);
  EXPECT_EQ(out.find(fds + "1\""), std::string::npos);
  EXPECT_TRUE(Has(out, cpu + "2\"} 1"));
  EXPECT_EQ(out.find(fds + "2\""), std::string::npos);
}

ProcessSnapshot Snapshot(const std::string& name, int64_t scale,
                         const std::vector<std::pair<std::string, std::string>>& instances) {
  ProcessSnapshot p;
  p.name = name;
  p.scale = scale;
  for (const auto& [id, state] : instances) {
    InstanceSnapshot i;
    i.id = id;
    i.state = state;
    p.instances.push_back(i);
  }
  return p;
}

TEST(DesiredScale, CountsOnlyInstancesTheSupervisorMeansToRun) {
  EXPECT_EQ(DesiredScale(Snapshot("web", 2, {{"web-0", "running"}, {"web-1", "starting"}})), 2);
  EXPECT_EQ(DesiredScale(Snapshot("web", 2, {{"web-0", "running"}, {"web-1", "backoff"}})), 2);
  // Given up: still desired, so current < desired raises the alert it should.
  EXPECT_EQ(DesiredScale(Snapshot("web", 1, {{"web-0", "failed"}})), 1);
  // Held (disabled, initial_state: stopped, a stop command, a scheduled job): nothing desired.
  EXPECT_EQ(DesiredScale(Snapshot("job", 1, {{"job-0", "stopped"}})), 0);
  EXPECT_EQ(DesiredScale(Snapshot(
                "off", 3, {{"off-0", "stopped"}, {"off-1", "stopped"}, {"off-2", "stopped"}})),
            0);
  // A oneshot that completed, an instance that ended as its restart policy wanted.
  EXPECT_EQ(DesiredScale(Snapshot("once", 1, {{"once-0", "completed"}})), 0);
  EXPECT_EQ(DesiredScale(Snapshot("w", 2, {{"w-0", "running"}, {"w-1", "stopped"}})), 1);
  // Scale-down: instances at or above the new scale are retiring, not desired.
  EXPECT_EQ(DesiredScale(Snapshot(
                "web", 1, {{"web-0", "running"}, {"web-1", "stopping"}, {"web-2", "stopping"}})),
            1);
  EXPECT_EQ(DesiredScale(Snapshot("web", 1, {{"web-0", "stopped"}, {"web-1", "stopping"}})), 0);
  // Names with capitals, dots and dashes; scale 0.
  EXPECT_EQ(DesiredScale(Snapshot("Queue.A-2", 2,
                                  {{"Queue.A-2-0", "running"}, {"Queue.A-2-1", "stopping"}})),
            2);
  EXPECT_EQ(DesiredScale(Snapshot("web", 0, {})), 0);
}

TEST(BuildFamilies, NamesWithCapitalsAreLabelledAsTheyAre) {
  const auto procs = Parse(List({Process("stubA", 1, {Instance("stubA-0", "running", 7)})}));
  Collector c;
  const std::string out = Render(procs, c);
  EXPECT_TRUE(Has(out, "phpeek_pm_process_up{name=\"stubA\",instance=\"stubA-0\"} 1"));
  EXPECT_TRUE(Has(out, "phpeek_pm_process_desired_scale{name=\"stubA\"} 1"));
  if (testing::HavePromtool()) testing::ExpectPromtoolAccepts(out);
}

}  // namespace
}  // namespace phpeek::metrics
