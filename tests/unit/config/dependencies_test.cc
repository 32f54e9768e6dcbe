// depends_on across processes: missing names, disabled dependencies, whole cycles; the map form
// with its conditions, dependency_timeout.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class DependenciesTest : public ConfigTest {};

TEST_F(DependenciesTest, ValidChain) {
  const LoadResult r = Load(
      "processes:\n"
      "  web: {command: /bin/true, depends_on: [app]}\n"
      "  app: {command: /bin/true, depends_on: [db, cache]}\n"
      "  db: {command: /bin/true}\n"
      "  cache: {command: /bin/true, depends_on: [db]}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
}

TEST_F(DependenciesTest, WholeCycleIsReportedOnce) {
  const LoadResult r = Load(
      "processes:\n"
      "  a:\n"
      "    command: /bin/true\n"
      "    depends_on: [b]\n"
      "  b:\n"
      "    command: /bin/true\n"
      "    depends_on: [c]\n"
      "  c:\n"
      "    command: /bin/true\n"
      "    depends_on: [a]\n");
  const Diagnostic d = ExpectOneError(r, "processes.c.depends_on[0]");
  EXPECT_EQ(d.message, "dependency cycle: a -> b -> c -> a");
  EXPECT_EQ(d.pos.line, 10);
  EXPECT_EQ(d.pos.column, 18);
}

// Each unknown name looked for its closest match among all processes: 20000 of them against 20000
// processes took minutes. The hints share a budget now: reporting them costs about as much as
// loading the same file with names that resolve (timed against it, so a slow machine is fair).
TEST_F(DependenciesTest, ThousandsOfUnknownNamesAreReportedInTime) {
  auto file = [](const char* dep_prefix) {
    std::string yaml = "processes:\n";
    for (int i = 0; i < 20000; ++i) {
      const std::string n = std::to_string(i);
      yaml += "  p" + n + ": {command: x, depends_on: [" + dep_prefix + n + "]}\n";
    }
    return yaml;
  };
  const auto timed = [this](const std::string& yaml, LoadResult* r) {
    const auto start = std::chrono::steady_clock::now();
    *r = Load(yaml);
    return std::chrono::steady_clock::now() - start;
  };
  LoadResult known, unknown;
  const auto baseline = timed(file("p"), &known);  // each depends on itself: a cycle, no hint
  const auto elapsed = timed(file("q"), &unknown);
  EXPECT_LT(elapsed, 3 * baseline + std::chrono::seconds(2));
  EXPECT_EQ(CountSeverity(unknown.diagnostics, Severity::kError), 20000u);
  const Diagnostic* d = FindDiag(unknown.diagnostics, "processes.p0.depends_on[0]");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "'p0' depends on 'q0', which is not defined");
  EXPECT_EQ(d->hint, "did you mean 'p0'?");  // the first ones still get their hint
}

TEST_F(DependenciesTest, SelfDependency) {
  const LoadResult r = Load("processes:\n  a: {command: /bin/true, depends_on: [a]}\n");
  EXPECT_EQ(ExpectOneError(r, "processes.a.depends_on[0]").message, "dependency cycle: a -> a");
}

TEST_F(DependenciesTest, TwoSeparateCycles) {
  const LoadResult r = Load(
      "processes:\n"
      "  a: {command: /bin/true, depends_on: [b]}\n"
      "  b: {command: /bin/true, depends_on: [a]}\n"
      "  x: {command: /bin/true, depends_on: [y]}\n"
      "  y: {command: /bin/true, depends_on: [z]}\n"
      "  z: {command: /bin/true, depends_on: [x, a]}\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].message, "dependency cycle: a -> b -> a");
  EXPECT_EQ(r.diagnostics[1].message, "dependency cycle: x -> y -> z -> x");
}

TEST_F(DependenciesTest, MissingDependencyWithSuggestion) {
  const LoadResult r = Load(
      "processes:\n"
      "  php-fpm: {command: /bin/true}\n"
      "  nginx: {command: /bin/true, depends_on: [php_fpm, redis]}\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].key_path, "processes.nginx.depends_on[0]");
  EXPECT_EQ(r.diagnostics[0].message, "'nginx' depends on 'php_fpm', which is not defined");
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'php-fpm'?");
  EXPECT_EQ(r.diagnostics[1].message, "'nginx' depends on 'redis', which is not defined");
  EXPECT_EQ(r.diagnostics[1].hint, "define it under processes:");
}

TEST_F(DependenciesTest, DisabledDependencyAndRepeatsWarn) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true, enabled: false}\n"
      "  web: {command: /bin/true, depends_on: [db, db]}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_NE(r.diagnostics[0].message.find("disabled"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].message, "'db' is listed twice");
}

TEST_F(DependenciesTest, LongChainDoesNotExhaustTheStack) {
  std::string yaml = "processes:\n";
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    yaml += "  p" + std::to_string(i) + ": {command: /bin/true, depends_on: [p" +
            std::to_string((i + 1) % n) + "]}\n";
  }
  const LoadResult r = Load(yaml);
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message.substr(0, 34), "dependency cycle: p0 -> p1 -> p2 -");
}

TEST_F(DependenciesTest, MapFormWithEveryConditionAndTheListFormsReady) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true, health_check: {type: tcp, address: '127.0.0.1:5432'}}\n"
      "  migrate: {command: /bin/true, type: oneshot}\n"
      "  seed: {command: /bin/true, type: oneshot}\n"
      "  cache: {command: /bin/true}\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    dependency_timeout: 90s\n"
      "    depends_on:\n"
      "      db: {condition: process_healthy}\n"
      "      migrate: {condition: process_completed_successfully}\n"
      "      seed: {condition: process_completed}\n"
      "      cache: {condition: process_started}\n"
      "  worker: {command: /bin/true, depends_on: [db, cache]}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(r.diagnostics.empty()) << Dump(r.diagnostics);
  const ProcessSpec* web = r.config->FindProcess("web");
  EXPECT_EQ(web->depends_on, (std::vector<std::string>{"db", "migrate", "seed", "cache"}));
  EXPECT_EQ(web->depends_on_condition,
            (std::vector<DependencyCondition>{
                DependencyCondition::kHealthy, DependencyCondition::kCompletedSuccessfully,
                DependencyCondition::kCompleted, DependencyCondition::kStarted}));
  EXPECT_EQ(web->dependency_timeout, std::chrono::milliseconds(90000));
  const ProcessSpec* worker = r.config->FindProcess("worker");
  EXPECT_EQ(
      worker->depends_on_condition,
      (std::vector<DependencyCondition>{DependencyCondition::kReady, DependencyCondition::kReady}));
  EXPECT_FALSE(worker->dependency_timeout);
}

// Compose writes an entry without condition for "started".
TEST_F(DependenciesTest, MapEntryWithoutConditionWaitsForTheStart) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true}\n"
      "  web: {command: /bin/true, depends_on: {db: }, dependency_timeout: 0}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->FindProcess("web")->depends_on_condition,
            std::vector<DependencyCondition>{DependencyCondition::kStarted});
  EXPECT_FALSE(r.config->FindProcess("web")->dependency_timeout);  // 0: wait forever
}

TEST_F(DependenciesTest, UnknownConditionIsAnErrorWithItsPlaceAndTheClosestWord) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true}\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    depends_on:\n"
      "      db: {condition: process_helthy}\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.depends_on.db.condition");
  EXPECT_EQ(d.pos.line, 6);
  EXPECT_EQ(d.pos.column, 23);
  EXPECT_EQ(d.message,
            "'process_helthy' is not one of: process_started, process_healthy, process_completed, "
            "process_completed_successfully");
  EXPECT_EQ(d.hint, "did you mean 'process_healthy'?");
}

// Compose files say service_*: the same conditions.
TEST_F(DependenciesTest, ComposeSpellingsOfTheConditionsAreAccepted) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true, health_check: {type: tcp, address: '127.0.0.1:5432'}}\n"
      "  migrate: {command: /bin/true, type: oneshot}\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    depends_on:\n"
      "      db: {condition: service_healthy}\n"
      "      migrate: {condition: service_completed_successfully}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_EQ(r.config->FindProcess("web")->depends_on_condition,
            (std::vector<DependencyCondition>{DependencyCondition::kHealthy,
                                              DependencyCondition::kCompletedSuccessfully}));
}

TEST_F(DependenciesTest, CycleThroughTheMapFormNamesTheMapEntry) {
  const LoadResult r = Load(
      "processes:\n"
      "  a:\n"
      "    command: /bin/true\n"
      "    depends_on: {b: {condition: process_started}}\n"
      "  b:\n"
      "    command: /bin/true\n"
      "    depends_on:\n"
      "      a: {condition: process_started}\n");
  const Diagnostic d = ExpectOneError(r, "processes.b.depends_on.a");
  EXPECT_EQ(d.message, "dependency cycle: a -> b -> a");
  EXPECT_EQ(d.pos.line, 8);
  EXPECT_EQ(d.pos.column, 7);
}

TEST_F(DependenciesTest, UnknownProcessInTheMapForm) {
  const LoadResult r = Load(
      "processes:\n"
      "  redis: {command: /bin/true}\n"
      "  web: {command: /bin/true, depends_on: {rediss: {condition: process_started}}}\n");
  const Diagnostic d = ExpectOneError(r, "processes.web.depends_on.rediss");
  EXPECT_EQ(d.message, "'web' depends on 'rediss', which is not defined");
  EXPECT_EQ(d.hint, "did you mean 'redis'?");
  EXPECT_EQ(d.pos.line, 3);
}

TEST_F(DependenciesTest, ConditionsThatCannotMeanWhatTheySayWarn) {
  const LoadResult r = Load(
      "processes:\n"
      "  db: {command: /bin/true}\n"
      "  web:\n"
      "    command: /bin/true\n"
      "    depends_on:\n"
      "      db: {condition: process_healthy}\n"
      "  job:\n"
      "    command: /bin/true\n"
      "    depends_on:\n"
      "      db: {condition: process_completed}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 2u) << Dump(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(r.diagnostics[0].key_path, "processes.web.depends_on.db");
  EXPECT_NE(r.diagnostics[0].message.find("has no health_check"), std::string::npos);
  EXPECT_EQ(r.diagnostics[1].key_path, "processes.job.depends_on.db");
  EXPECT_NE(r.diagnostics[1].message.find("never completes"), std::string::npos);
}

TEST_F(DependenciesTest, DependsOnOfAnotherShapeIsAnError) {
  const LoadResult r =
      Load("processes:\n  db: {command: /bin/true}\n  web: {command: x, depends_on: db}\n");
  EXPECT_NE(ExpectOneError(r, "processes.web.depends_on").message.find("expected a list or a map"),
            std::string::npos);
}

}  // namespace
}  // namespace phpeek::config
