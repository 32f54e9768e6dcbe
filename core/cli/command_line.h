// Parsing of the phpeek-pm command line into a plain struct. Subcommands: serve (the default),
// check-config, fpm-tune, version, and the API client commands (tui among them). Usage errors carry
// a one-line message; the caller prints it with a hint and exits 2.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace phpeek::cli {

enum class Subcommand {
  kServe,
  kCheckConfig,
  kVersion,
  kStatus,
  kStart,
  kStop,
  kRestart,
  kScale,
  kJobs,
  kTrigger,
  kReload,
  kSignal,
  kLogs,
  kEvents,
  kInit,
  kFpmTune,
  kTui,
};

struct CommandLine {
  Subcommand subcommand = Subcommand::kServe;
  bool help = false;
  std::string config_path;  // -c/--config; empty = lookup order
  bool dry_run = false;     // serve: load, validate, print the plan, exit
  bool strict = false;      // check-config: warnings fail
  bool json = false;  // check-config, fpm-tune, status, jobs, logs, events: machine-readable output
  bool keys = false;  // check-config: print every configuration key instead
  // php-fpm autotune (core/autotune): serve --php-fpm-profile, fpm-tune --profile; both checked
  // here (a known profile, a threshold from 0 to 2).
  std::string fpm_profile;
  std::optional<double> memory_threshold;  // --autotune-memory-threshold
  // Client commands.
  std::string url;     // --url
  std::string token;   // --token
  std::string cacert;  // --cacert: the CA (or certificate) that https:// trusts
  std::string cert;    // --cert: a client certificate for mutual TLS
  std::string key;     // --key: its private key
  bool wait = false;   // --wait
  bool group = false;  // signal --group: each instance's process group, not its main process
  int wait_timeout_seconds = 60;
  bool follow = false;   // logs -f
  int lines = -1;        // logs, events -n; -1: the command's default
  std::string instance;  // logs --instance
  // init: the preset and its choices (init_preset.h), where to write, and whether to overwrite.
  std::string preset;
  int queue = -1;
  bool horizon = false, scheduler = false, octane = false, force = false;
  std::string output = "phpeek-pm.yaml";
  std::string app_dir = "/var/www/html";
  std::vector<std::string> operands;  // process name, scale count
};

struct ParseResult {
  CommandLine command_line;
  std::string error;  // non-empty on a usage error
};

ParseResult ParseCommandLine(const std::vector<std::string>& args);

const char* SubcommandName(Subcommand s);
// Full --help text for a subcommand.
std::string UsageText(Subcommand s);

}  // namespace phpeek::cli
