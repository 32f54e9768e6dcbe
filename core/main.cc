// phpeek-pm: parse the command line and run the chosen subcommand.
#include <cstdio>
#include <string>
#include <vector>

#include "core/cli/command_line.h"
#include "core/cli/commands.h"
#include "core/plugin_isolation/plugin_host_main.h"

namespace {

int Dispatch(const phpeek::cli::CommandLine& cl) {
  using phpeek::cli::Subcommand;
  switch (cl.subcommand) {
    case Subcommand::kServe:
      return phpeek::cli::RunServe(cl);
    case Subcommand::kCheckConfig:
      return phpeek::cli::RunCheckConfig(cl);
    case Subcommand::kVersion:
      return phpeek::cli::RunVersion();
    case Subcommand::kInit:
      return phpeek::cli::RunInit(cl);
    case Subcommand::kFpmTune:
      return phpeek::cli::RunFpmTune(cl);
    case Subcommand::kTui:
      return phpeek::cli::RunTui(cl);
    case Subcommand::kStatus:
    case Subcommand::kStart:
    case Subcommand::kStop:
    case Subcommand::kRestart:
    case Subcommand::kScale:
    case Subcommand::kJobs:
    case Subcommand::kTrigger:
    case Subcommand::kReload:
    case Subcommand::kSignal:
    case Subcommand::kLogs:
    case Subcommand::kEvents:
      return phpeek::cli::RunClient(cl);
    default:
      std::fprintf(stderr, "phpeek-pm: '%s' is not available in this build\n",
                   phpeek::cli::SubcommandName(cl.subcommand));
      return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Hidden: the helper process of a plugin with `isolation: process`, started by the daemon.
  if (argc >= 2 && std::string(argv[1]) == "plugin-host") {
    return phpeek::plugin_isolation::RunPluginHostHelper(argc, argv);
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  const phpeek::cli::ParseResult parsed = phpeek::cli::ParseCommandLine(args);
  if (!parsed.error.empty()) {
    const auto sub = parsed.command_line.subcommand;
    const std::string prefix = sub == phpeek::cli::Subcommand::kServe
                                   ? ""
                                   : std::string(phpeek::cli::SubcommandName(sub)) + " ";
    std::fprintf(stderr, "phpeek-pm: %s (try 'phpeek-pm %s--help')\n", parsed.error.c_str(),
                 prefix.c_str());
    return 2;
  }
  if (parsed.command_line.help) {
    std::fputs(phpeek::cli::UsageText(parsed.command_line.subcommand).c_str(), stdout);
    return 0;
  }
  return Dispatch(parsed.command_line);
}
