// `phpeek-pm init`: every preset and choice writes a file that `check-config --strict` accepts
// (the programs it names, php-fpm8.2, nginx and php, are installed by install-build-deps.sh), with
// the features it promises; an existing file is kept without --force; bad choices are usage
// errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

RunResult Phpeek(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// Writes the preset into a fresh folder (the application's root is a folder in it) and checks it.
std::string InitAndCheck(const std::vector<std::string>& choices) {
  TempDir dir;
  const std::string app = dir.Join("app");
  RunCommand({"mkdir", app});
  std::vector<std::string> args = {"init", "-o", dir.Join("phpeek-pm.yaml"), "--app-dir", app};
  args.insert(args.end(), choices.begin(), choices.end());
  const RunResult init = Phpeek(args);
  EXPECT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out.rfind("wrote " + dir.Join("phpeek-pm.yaml") + " (preset ", 0), 0u) << init.out;
  const RunResult check = Phpeek({"check-config", "--strict", "-c", dir.Join("phpeek-pm.yaml")});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  return ReadFile(dir.Join("phpeek-pm.yaml"));
}

TEST(InitTest, EveryPresetPassesCheckConfigStrict) {
  for (const auto& choices : std::vector<std::vector<std::string>>{
           {"--preset", "laravel"},
           {"--preset", "laravel", "--queue", "4", "--scheduler"},
           {"--preset", "laravel", "--horizon", "--scheduler", "--octane"},
           {"--preset", "laravel", "--queue", "0"},
           {"--preset", "symfony", "--scheduler"},
           {"--preset", "wordpress", "--scheduler"},
           {"--preset", "generic"}}) {
    SCOPED_TRACE(choices[1] + (choices.size() > 2 ? " " + choices[2] : ""));
    InitAndCheck(choices);
  }
}

TEST(InitTest, TheFileUsesTheFeaturesThePresetPromises) {
  const std::string laravel = InitAndCheck({"--preset", "laravel", "--queue", "3", "--scheduler"});
  for (const char* text :
       {"reload_signal: SIGUSR2", "reload_signal: SIGHUP", "signal: SIGQUIT",
        "config_test: [\"php-fpm8.2\", \"-t\", \"-R\"]", "config_test: [\"nginx\", \"-t\", \"-q\"]",
        "php_fpm_status: {address: \"127.0.0.1:9000\", path: /status}", "depends_on: [php-fpm]",
        "health_check:", "readiness:\n    enabled: true", "scale: 3", "schedule: \"* * * * *\"",
        "artisan\", \"schedule:run\"]", "artisan\", \"queue:work\""}) {
    EXPECT_NE(laravel.find(text), std::string::npos) << text << "\n" << laravel;
  }
  EXPECT_EQ(laravel.find("forward_signals"), laravel.find("# No forward_signals") + 5);
  const std::string horizon = InitAndCheck({"--preset", "laravel", "--horizon", "--octane"});
  EXPECT_NE(horizon.find("artisan\", \"horizon\"]"), std::string::npos) << horizon;
  EXPECT_NE(horizon.find("octane:start"), std::string::npos) << horizon;
  EXPECT_EQ(horizon.find("php-fpm8.2"), std::string::npos) << horizon;
  EXPECT_EQ(horizon.find("queue:work"), std::string::npos) << horizon;
  const std::string symfony = InitAndCheck({"--preset", "symfony", "--scheduler"});
  EXPECT_NE(symfony.find("bin/console\", \"messenger:consume\", \"async\""), std::string::npos);
  const std::string generic = InitAndCheck({"--preset", "generic"});
  EXPECT_EQ(generic.find("queue"), std::string::npos) << generic;
}

TEST(InitTest, KeepsAnExistingFileWithoutForce) {
  TempDir dir;
  const std::string file = dir.Write("phpeek-pm.yaml", "mine\n");
  RunResult r = Phpeek({"init", "--preset", "generic", "-o", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "phpeek-pm: " + file + " exists; nothing was written (--force overwrites it)\n");
  EXPECT_EQ(ReadFile(file), "mine\n");
  r = Phpeek({"init", "--preset", "generic", "-o", file, "--force"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadFile(file).find("php-fpm8.2"), std::string::npos);
}

TEST(InitTest, BadChoicesAreUsageErrors) {
  TempDir dir;
  const std::string out = dir.Join("phpeek-pm.yaml");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"init"}, "init needs --preset laravel|symfony|wordpress|generic"},
      {{"init", "--preset", "drupal"},
       "unknown preset 'drupal': use laravel, symfony, wordpress or generic"},
      {{"init", "--preset", "symfony", "--horizon"}, "--horizon is a Laravel option"},
      {{"init", "--preset", "generic", "--octane"}, "--octane is a Laravel option"},
      {{"init", "--preset", "wordpress", "--queue", "2"},
       "--queue needs a framework with queue workers: laravel or symfony"},
      {{"init", "--preset", "laravel", "--horizon", "--queue", "2"},
       "--horizon runs the queue workers itself: leave out --queue"},
      {{"init", "--preset", "laravel", "--queue", "65"}, "--queue takes 0 to 64 workers"},
      {{"init", "--preset", "generic", "--scheduler"},
       "--scheduler needs a framework: use it with laravel, symfony or wordpress"},
      {{"init", "--preset", "laravel", "--app-dir", "app"}, "--app-dir takes an absolute path"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> with_output = args;
    with_output.insert(with_output.end(), {"-o", out});
    const RunResult r = Phpeek(with_output);
    EXPECT_EQ(r.exit_code, 2) << message;
    EXPECT_EQ(r.err.rfind("phpeek-pm: " + message + "\n", 0), 0u) << r.err;
  }
  const RunResult r = Phpeek({"init", "--preset", "laravel", "--queue", "x", "-o", out});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--queue takes a whole number of workers >= 0, not 'x'"), std::string::npos)
      << r.err;
  EXPECT_FALSE(::access(out.c_str(), F_OK) == 0) << "nothing written";
}

}  // namespace
}  // namespace phpeek::testing
