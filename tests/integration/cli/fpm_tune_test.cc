// php-fpm autotune on the real binary, over a fake cgroup v2 tree (PHPEEK_PM_TEST_CGROUP_ROOT,
// PHPEEK_PM_TEST_PROC_ROOT): fpm-tune's report, serve exporting PHP_FPM_* to its processes (under
// their own `env`), and the errors: unknown profile, too little memory, garbage in a limit file,
// a bad threshold.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "phpeek/json.hpp"
#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

// A container limited to `memory_max` (memory.max's text) and 2 CPUs.
class FakeCgroup {
 public:
  explicit FakeCgroup(const std::string& memory_max = "1073741824\n") {
    dir_.Write("cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
    dir_.Write("cgroup/memory.max", memory_max);
    dir_.Write("cgroup/cpu.max", "200000 100000\n");
    dir_.Write("proc/meminfo", "MemTotal: 65536000 kB\n");
    dir_.Write("proc/self/cgroup", "0::/\n");
  }
  std::map<std::string, std::string> Env() const {
    return {{"PHPEEK_PM_TEST_CGROUP_ROOT", dir_.Join("cgroup")},
            {"PHPEEK_PM_TEST_PROC_ROOT", dir_.Join("proc")},
            {"PHP_FPM_AUTOTUNE_PROFILE", ""},
            {"PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD", ""}};
  }
  std::string File(const std::string& name) const { return dir_.Join("cgroup/" + name); }

 private:
  TempDir dir_;
};

// Without the Management API: these tests need no plugin.
constexpr const char* kConfig =
    "global:\n  api_enabled: false\nprocesses:\n  web:\n    command: [\"true\"]\n";

RunResult RunPm(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {PHPEEK_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, env);
}

int64_t IntAt(const json::Value& v) { return v.AsInt64().value_or(-1); }
std::string TextAt(const json::Value& v) { return std::string(v.AsString().value_or("<none>")); }

TEST(FpmTune, JsonReportOfTheComputation) {
  FakeCgroup cgroup;
  TempDir dir;
  const std::string config = dir.Write("c.yaml", kConfig);
  const RunResult r =
      RunPm({"fpm-tune", "--profile", "light", "--json", "-c", config}, cgroup.Env());
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  json::Document doc;
  std::string err;
  ASSERT_TRUE(doc.Parse(r.out, &err)) << err << "\n" << r.out;
  const json::Value root = doc.root();
  EXPECT_TRUE(root["ok"].AsBool().value_or(false));
  EXPECT_EQ(TextAt(root["profile"]["name"]), "light");
  EXPECT_EQ(TextAt(root["profile"]["from"]), "--profile");
  EXPECT_EQ(IntAt(root["profile"]["worker_mb"]), 36);
  EXPECT_DOUBLE_EQ(root["threshold"]["value"].AsDouble().value_or(0), 0.7);
  EXPECT_EQ(TextAt(root["threshold"]["from"]), "profile");
  const json::Value limits = root["limits"];
  EXPECT_EQ(IntAt(limits["memory_mb"]), 1024);
  EXPECT_EQ(TextAt(limits["memory_from"]), "cgroup v2");
  EXPECT_EQ(TextAt(limits["memory_file"]), cgroup.File("memory.max"));
  EXPECT_EQ(IntAt(limits["cpus"]), 2);
  EXPECT_EQ(TextAt(limits["cpus_file"]), cgroup.File("cpu.max"));
  // 1024 x 0.7 = 716; - 128 - 96 = 492; / 36 = 13 by memory; 8 by CPUs.
  const json::Value c = root["computation"];
  EXPECT_EQ(IntAt(c["usable_mb"]), 716);
  EXPECT_EQ(IntAt(c["worker_pool_mb"]), 492);
  EXPECT_EQ(IntAt(c["workers_by_memory"]), 13);
  EXPECT_EQ(IntAt(c["workers_by_cpu"]), 8);
  const json::Value result = root["result"];
  EXPECT_EQ(TextAt(result["pm"]), "dynamic");
  EXPECT_EQ(IntAt(result["max_children"]), 8);
  EXPECT_EQ(IntAt(result["start_servers"]), 2);
  EXPECT_EQ(IntAt(result["min_spare_servers"]), 2);
  EXPECT_EQ(IntAt(result["max_spare_servers"]), 4);
  EXPECT_EQ(IntAt(result["max_requests"]), 500);
  EXPECT_EQ(TextAt(root["environment"]["PHP_FPM_MAX_CHILDREN"]), "8");
  EXPECT_EQ(TextAt(root["environment"]["PHP_FPM_PM"]), "dynamic");
  EXPECT_EQ(root["warnings"].size(), 1u);  // memory would allow 13: limited to 8 by the CPUs
}

TEST(FpmTune, TextReportShowsInputsLimitsAndResult) {
  FakeCgroup cgroup;
  auto env = cgroup.Env();
  env["PHP_FPM_AUTOTUNE_PROFILE"] = "medium";  // no --profile: the variable
  TempDir dir;
  const std::string config = dir.Write("c.yaml", kConfig);
  const RunResult r = RunPm({"fpm-tune", "-c", config}, env);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> lines = {
      "profile: medium (PHP_FPM_AUTOTUNE_PROFILE)",
      "memory threshold: 75% (profile)",
      "memory: 1024 MB (cgroup v2, " + cgroup.File("memory.max") + ")",
      "CPUs: 2 (cgroup v2, " + cgroup.File("cpu.max") + ")",
      "pm = dynamic",
      "pm.max_children = 8",
      "PHP_FPM_MAX_REQUESTS=1000"};
  for (const std::string& line : lines) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
}

// Flag, then PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD, then the file's key.
TEST(FpmTune, ThresholdPrecedence) {
  FakeCgroup cgroup;
  TempDir dir;
  const std::string config =
      dir.Write("c.yaml",
                "global:\n  api_enabled: false\n  autotune_memory_threshold: 0.5\nprocesses:\n  "
                "web:\n    command: [\"true\"]\n");
  auto threshold_of = [&](const std::vector<std::string>& extra, const std::string& variable) {
    auto env = cgroup.Env();
    env["PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD"] = variable;
    std::vector<std::string> args = {"fpm-tune", "--profile", "light", "--json", "-c", config};
    args.insert(args.end(), extra.begin(), extra.end());
    const RunResult r = RunPm(args, env);
    json::Document doc;
    EXPECT_TRUE(doc.Parse(r.out)) << r.out << r.err;
    return TextAt(doc.root()["threshold"]["from"]) + " " +
           std::to_string(IntAt(doc.root()["computation"]["usable_mb"]));
  };
  EXPECT_EQ(threshold_of({}, ""), "global.autotune_memory_threshold 512");
  EXPECT_EQ(threshold_of({}, "0.6"), "PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD 614");
  EXPECT_EQ(threshold_of({"--autotune-memory-threshold", "0.9"}, "0.6"),
            "--autotune-memory-threshold 921");
}

TEST(FpmTune, TooLittleMemoryExitsOneWithTheFigures) {
  FakeCgroup cgroup("268435456\n");  // 256 MB
  TempDir dir;
  const std::string config = dir.Write("c.yaml", kConfig);
  const std::string message =
      "too little memory for the 'light' profile: 256 MB, at least 260 MB needed (128 MB "
      "reserved + 96 MB OPcache + 36 MB for one worker)";
  const RunResult text = RunPm({"fpm-tune", "--profile", "light", "-c", config}, cgroup.Env());
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.err, "phpeek-pm: " + message + "\n");
  EXPECT_NE(text.out.find("memory: 256 MB (cgroup v2"), std::string::npos) << text.out;
  const RunResult json_run =
      RunPm({"fpm-tune", "--profile", "light", "--json", "-c", config}, cgroup.Env());
  EXPECT_EQ(json_run.exit_code, 1);
  json::Document doc;
  ASSERT_TRUE(doc.Parse(json_run.out)) << json_run.out;
  EXPECT_FALSE(doc.root()["ok"].AsBool().value_or(true));
  EXPECT_EQ(TextAt(doc.root()["error"]), message);
  EXPECT_EQ(IntAt(doc.root()["limits"]["memory_mb"]), 256);
}

TEST(FpmTune, GarbageInACgroupFileNamesIt) {
  FakeCgroup cgroup("abc\n");
  TempDir dir;
  const std::string config = dir.Write("c.yaml", kConfig);
  const RunResult r = RunPm({"fpm-tune", "--profile", "light", "-c", config}, cgroup.Env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "phpeek-pm: " + cgroup.File("memory.max") +
                       ": expected 'max' or a number of bytes, got 'abc'\n");
}

TEST(FpmTune, UnknownOrMissingProfileIsAUsageError) {
  FakeCgroup cgroup;
  const RunResult flag = RunPm({"fpm-tune", "--profile", "huge"}, cgroup.Env());
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_EQ(flag.err,
            "phpeek-pm: --profile takes one of dev, light, medium, heavy, bursty, not 'huge' "
            "(try 'phpeek-pm fpm-tune --help')\n");
  const RunResult serve = RunPm({"serve", "--php-fpm-profile", "huge"}, cgroup.Env());
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("--php-fpm-profile takes one of dev, light, medium, heavy, bursty, "
                           "not 'huge'"),
            std::string::npos)
      << serve.err;
  TempDir dir;
  const std::string config = dir.Write("c.yaml", kConfig);
  const RunResult none = RunPm({"fpm-tune", "-c", config}, cgroup.Env());
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("fpm-tune needs a profile"), std::string::npos) << none.err;
  const RunResult threshold =
      RunPm({"fpm-tune", "--profile", "light", "--autotune-memory-threshold", "-1"}, cgroup.Env());
  EXPECT_EQ(threshold.exit_code, 2);
  EXPECT_NE(threshold.err.find("--autotune-memory-threshold must be a number from 0 to 2"),
            std::string::npos)
      << threshold.err;
}

TEST(FpmTune, BadThresholdKeyHasItsPlace) {
  TempDir dir;
  const std::string config =
      dir.Write("c.yaml",
                "global:\n  api_enabled: false\n  autotune_memory_threshold: abc\nprocesses:\n  "
                "web:\n    command: [\"true\"]\n");
  const RunResult r = RunPm({"check-config", "-c", config}, {});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(config + ":3:30: error: global.autotune_memory_threshold: must be a number "
                                "from 0 to 2"),
            std::string::npos)
      << r.err;
  FakeCgroup cgroup;
  const RunResult tune = RunPm({"fpm-tune", "--profile", "light", "-c", config}, cgroup.Env());
  EXPECT_EQ(tune.exit_code, 1);
  EXPECT_NE(tune.err.find(":3:30: error: global.autotune_memory_threshold"), std::string::npos)
      << tune.err;
}

// Every process gets the PHP_FPM_* variables; a process's own `env` keeps its value.
TEST(FpmTuneServe, ProcessesGetThePoolInTheirEnvironment) {
  FakeCgroup cgroup;
  TempDir dir;
  const std::string config = dir.Write(
      "c.yaml",
      "global:\n  api_enabled: false\nprocesses:\n"
      "  fpm:\n    command: [\"/bin/sh\", \"-c\", \"env > " +
          dir.Join("fpm.tmp") + " && mv " + dir.Join("fpm.tmp") + " " + dir.Join("fpm.env") +
          " && exec sleep 60\"]\n"
          "  pinned:\n    command: [\"/bin/sh\", \"-c\", \"env > " +
          dir.Join("pinned.tmp") + " && mv " + dir.Join("pinned.tmp") + " " +
          dir.Join("pinned.env") +
          " && exec sleep 60\"]\n"
          "    env:\n      PHP_FPM_MAX_CHILDREN: \"3\"\n");
  Daemon daemon({"serve", "--php-fpm-profile", "light", "-c", config}, cgroup.Env());
  ASSERT_TRUE(WaitUntil([&] {
    return !ReadFile(dir.Join("fpm.env")).empty() && !ReadFile(dir.Join("pinned.env")).empty();
  })) << daemon.Log();
  const std::string fpm = ReadFile(dir.Join("fpm.env"));
  for (const char* line :
       {"PHP_FPM_PM=dynamic\n", "PHP_FPM_MAX_CHILDREN=8\n", "PHP_FPM_MAX_REQUESTS=500\n",
        "PHP_FPM_START_SERVERS=2\n", "PHP_FPM_MIN_SPARE=2\n", "PHP_FPM_MAX_SPARE=4\n"}) {
    EXPECT_NE(fpm.find(line), std::string::npos) << line << "\n" << fpm;
  }
  const std::string pinned = ReadFile(dir.Join("pinned.env"));
  EXPECT_NE(pinned.find("PHP_FPM_MAX_CHILDREN=3\n"), std::string::npos) << pinned;
  EXPECT_EQ(pinned.find("PHP_FPM_MAX_CHILDREN=8"), std::string::npos) << pinned;
  EXPECT_NE(pinned.find("PHP_FPM_MAX_SPARE=4\n"), std::string::npos) << pinned;
  EXPECT_TRUE(daemon.LogContains("php-fpm autotuned")) << daemon.Log();
  daemon.Signal(SIGTERM);
  EXPECT_EQ(daemon.WaitExit(), 0) << daemon.Log();
}

TEST(FpmTuneServe, RefusesToStartOnTooLittleMemoryOrABadProfileVariable) {
  FakeCgroup small("268435456\n");
  TempDir dir;
  const std::string config = dir.Write(
      "c.yaml", "global:\n  api_enabled: false\nprocesses:\n  web:\n    command: [\"touch\", \"" +
                    dir.Join("started") + "\"]\n");
  const RunResult r = RunPm({"serve", "--php-fpm-profile", "light", "-c", config}, small.Env());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("too little memory for the 'light' profile: 256 MB, at least 260 MB "
                       "needed"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("not starting"), std::string::npos) << r.out;
  auto env = small.Env();
  env["PHP_FPM_AUTOTUNE_PROFILE"] = "huge";
  const RunResult bad = RunPm({"serve", "-c", config}, env);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("PHP_FPM_AUTOTUNE_PROFILE: unknown php-fpm profile 'huge' (one of dev, "
                         "light, medium, heavy, bursty)"),
            std::string::npos)
      << bad.out;
  const RunResult lone =
      RunPm({"serve", "--autotune-memory-threshold", "0.8", "-c", config}, small.Env());
  EXPECT_EQ(lone.exit_code, 1);
  EXPECT_NE(lone.out.find("--autotune-memory-threshold needs a php-fpm profile"), std::string::npos)
      << lone.out;
  EXPECT_FALSE(std::ifstream(dir.Join("started")).good());  // no process ever started
}

}  // namespace
}  // namespace phpeek::testing
