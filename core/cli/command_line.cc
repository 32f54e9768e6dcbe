#include "core/cli/command_line.h"

#include <charconv>
#include <map>

#include "core/autotune/fpm_profiles.h"
#include "core/autotune/memory_threshold.h"

namespace phpeek::cli {
namespace {

struct SubcommandInfo {
  Subcommand id;
  const char* name;
  size_t operands;  // number of positional operands
  bool optional;    // the operands may be left out (logs [NAME])
};

constexpr SubcommandInfo kSubcommands[] = {
    {Subcommand::kServe, "serve", 0, false},
    {Subcommand::kCheckConfig, "check-config", 0, false},
    {Subcommand::kVersion, "version", 0, false},
    {Subcommand::kStatus, "status", 0, false},
    {Subcommand::kStart, "start", 1, false},
    {Subcommand::kStop, "stop", 1, false},
    {Subcommand::kRestart, "restart", 1, false},
    {Subcommand::kScale, "scale", 2, false},
    {Subcommand::kJobs, "jobs", 0, false},
    {Subcommand::kTrigger, "trigger", 1, false},
    {Subcommand::kReload, "reload", 1, true},  // NAME: the process; none: the configuration
    {Subcommand::kSignal, "signal", 2, false},
    {Subcommand::kLogs, "logs", 1, true},
    {Subcommand::kEvents, "events", 0, false},
    {Subcommand::kInit, "init", 0, false},
    {Subcommand::kFpmTune, "fpm-tune", 0, false},
    {Subcommand::kTui, "tui", 0, false},
};

const SubcommandInfo* FindSubcommand(const std::string& name) {
  for (const auto& s : kSubcommands) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

const SubcommandInfo& InfoOf(Subcommand id) {
  for (const auto& s : kSubcommands) {
    if (s.id == id) return s;
  }
  return kSubcommands[0];
}

bool IsClient(Subcommand s) {
  return s == Subcommand::kStatus || s == Subcommand::kStart || s == Subcommand::kStop ||
         s == Subcommand::kRestart || s == Subcommand::kScale || s == Subcommand::kJobs ||
         s == Subcommand::kTrigger || s == Subcommand::kReload || s == Subcommand::kLogs ||
         s == Subcommand::kEvents || s == Subcommand::kSignal || s == Subcommand::kTui;
}

// The client commands that only read: no --wait (the TUI asks for its changes itself).
bool IsListing(Subcommand s) {
  return s == Subcommand::kStatus || s == Subcommand::kJobs || s == Subcommand::kLogs ||
         s == Subcommand::kEvents || s == Subcommand::kTui;
}

// The client commands that take --wait (a configuration reload waits anyway: the daemon answers
// once it is done; a process reload waits with it). A signal has nothing to wait for.
bool Waits(Subcommand s) { return IsClient(s) && !IsListing(s) && s != Subcommand::kSignal; }

// Which flags each subcommand accepts; anything else is a usage error that names the flag.
bool Accepts(Subcommand s, const std::string& flag) {
  if (flag == "--help" || flag == "-h") return true;
  if (flag == "--config" || flag == "-c")
    return s != Subcommand::kVersion && s != Subcommand::kInit;
  if (flag == "--dry-run") return s == Subcommand::kServe;
  if (flag == "--strict" || flag == "--keys") return s == Subcommand::kCheckConfig;
  if (flag == "--json") {
    return s == Subcommand::kCheckConfig || s == Subcommand::kFpmTune ||
           (IsListing(s) && s != Subcommand::kTui);
  }
  if (flag == "--php-fpm-profile") return s == Subcommand::kServe;
  if (flag == "--profile") return s == Subcommand::kFpmTune;
  if (flag == "--autotune-memory-threshold") {
    return s == Subcommand::kServe || s == Subcommand::kFpmTune;
  }
  if (flag == "--url" || flag == "--token" || flag == "--cacert" || flag == "--cert" ||
      flag == "--key") {
    return IsClient(s);
  }
  if (flag == "--wait" || flag == "--timeout") return Waits(s);
  if (flag == "--follow" || flag == "-f" || flag == "--instance") return s == Subcommand::kLogs;
  if (flag == "--group") return s == Subcommand::kSignal;
  if (flag == "--preset" || flag == "--queue" || flag == "--horizon" || flag == "--scheduler" ||
      flag == "--octane" || flag == "--force" || flag == "--output" || flag == "-o" ||
      flag == "--app-dir") {
    return s == Subcommand::kInit;
  }
  if (flag == "--lines" || flag == "-n") return s == Subcommand::kLogs || s == Subcommand::kEvents;
  return false;
}

bool TakesValue(const std::string& flag) {
  return flag == "--config" || flag == "-c" || flag == "--url" || flag == "--token" ||
         flag == "--cacert" || flag == "--cert" || flag == "--key" || flag == "--timeout" ||
         flag == "--lines" || flag == "-n" || flag == "--instance" || flag == "--preset" ||
         flag == "--queue" || flag == "--output" || flag == "-o" || flag == "--app-dir" ||
         flag == "--php-fpm-profile" || flag == "--profile" ||
         flag == "--autotune-memory-threshold";
}

// --php-fpm-profile, --profile and --autotune-memory-threshold. Returns an error or "".
std::string ApplyAutotuneFlag(const std::string& flag, const std::string& value, CommandLine* cl) {
  if (flag == "--autotune-memory-threshold") {
    double threshold = 0;
    std::string why;
    if (!autotune::ParseMemoryThreshold(value, &threshold, &why)) return flag + " " + why;
    cl->memory_threshold = threshold;
    return "";
  }
  if (autotune::FindFpmProfile(value) == nullptr) {
    return flag + " takes one of " + autotune::FpmProfileNames() + ", not '" + value + "'";
  }
  cl->fpm_profile = value;
  return "";
}

bool ParsePositiveInt(const std::string& text, int* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && *out > 0;
}

// Applies one flag (with its value, when it takes one) to `cl`. Returns an error or "".
std::string ApplyFlag(const std::string& flag, const std::string& value, CommandLine* cl) {
  if (flag == "--help" || flag == "-h") cl->help = true;
  if (flag == "--config" || flag == "-c") cl->config_path = value;
  if (flag == "--dry-run") cl->dry_run = true;
  if (flag == "--strict") cl->strict = true;
  if (flag == "--json") cl->json = true;
  if (flag == "--keys") cl->keys = true;
  if (flag == "--url") cl->url = value;
  if (flag == "--token") cl->token = value;
  if (flag == "--cacert") cl->cacert = value;
  if (flag == "--cert") cl->cert = value;
  if (flag == "--key") cl->key = value;
  if (flag == "--wait") cl->wait = true;
  if (flag == "--group") cl->group = true;
  if (flag == "--preset") cl->preset = value;
  if (flag == "--horizon") cl->horizon = true;
  if (flag == "--scheduler") cl->scheduler = true;
  if (flag == "--octane") cl->octane = true;
  if (flag == "--force") cl->force = true;
  if (flag == "--output" || flag == "-o") cl->output = value;
  if (flag == "--app-dir") cl->app_dir = value;
  if (flag == "--queue") {
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, cl->queue);
    if (value.empty() || ec != std::errc() || ptr != end || cl->queue < 0) {
      return "--queue takes a whole number of workers >= 0, not '" + value + "'";
    }
  }
  if (flag == "--timeout" && !ParsePositiveInt(value, &cl->wait_timeout_seconds)) {
    return "--timeout takes a whole number of seconds above 0, not '" + value + "'";
  }
  if (flag == "--follow" || flag == "-f") cl->follow = true;
  if (flag == "--instance") cl->instance = value;
  if (flag == "--php-fpm-profile" || flag == "--profile" || flag == "--autotune-memory-threshold") {
    return ApplyAutotuneFlag(flag, value, cl);
  }
  if (flag == "--lines" || flag == "-n") {
    // logs: 1 to 10000 (the API's bound); events: 0 (only new ones) to 1000 (the events kept).
    const bool logs = cl->subcommand == Subcommand::kLogs;
    const int least = logs ? 1 : 0;
    const int most = logs ? 10000 : 1000;
    int n = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (value.empty() || ec != std::errc() || ptr != end || n < least || n > most) {
      return flag + " takes a whole number from " + std::to_string(least) + " to " +
             std::to_string(most) + ", not '" + value + "'";
    }
    cl->lines = n;
  }
  return "";
}

}  // namespace

ParseResult ParseCommandLine(const std::vector<std::string>& args) {
  ParseResult result;
  CommandLine& cl = result.command_line;
  size_t i = 0;
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    cl.subcommand = Subcommand::kVersion;
    i = 1;
  } else if (!args.empty() && !args[0].empty() && args[0][0] != '-') {
    const SubcommandInfo* info = FindSubcommand(args[0]);
    if (!info) {
      result.error = "unknown command '" + args[0] + "'";
      return result;
    }
    cl.subcommand = info->id;
    i = 1;
  }
  for (; i < args.size(); ++i) {
    std::string flag = args[i];
    std::string value;
    bool inline_value = false;
    if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag.resize(eq);
      inline_value = true;
    }
    if (flag.empty() || flag[0] != '-' || flag == "-") {
      cl.operands.push_back(args[i]);
      continue;
    }
    if (!Accepts(cl.subcommand, flag)) {
      result.error = "unknown option '" + flag + "' for " + SubcommandName(cl.subcommand);
      return result;
    }
    if (TakesValue(flag) && !inline_value) {
      if (i + 1 >= args.size()) {
        result.error = "option '" + flag + "' needs a value";
        return result;
      }
      value = args[++i];
    } else if (!TakesValue(flag) && inline_value) {
      result.error = "option '" + flag + "' takes no value";
      return result;
    }
    if (std::string err = ApplyFlag(flag, value, &cl); !err.empty()) {
      result.error = err;
      return result;
    }
  }
  if (cl.keys && cl.strict) {
    result.error = "--keys lists keys, it checks no file: --strict does not apply";
    return result;
  }
  const size_t want = InfoOf(cl.subcommand).operands;
  const bool may_omit = InfoOf(cl.subcommand).optional && cl.operands.empty();
  if (!cl.help && !cl.instance.empty() && cl.operands.empty()) {
    result.error = "--instance needs the process name: logs NAME --instance ID";
    return result;
  }
  if (!cl.help && cl.subcommand == Subcommand::kReload && cl.wait && cl.operands.empty()) {
    result.error = "--wait waits for a process reload: reload NAME --wait";
    return result;
  }
  if (!cl.help && cl.operands.size() != want && !may_omit) {
    result.error = std::string(SubcommandName(cl.subcommand)) + " takes " +
                   (want == 0                              ? "no arguments"
                    : want == 1                            ? "a process name"
                    : cl.subcommand == Subcommand::kSignal ? "a process name and a signal"
                                                           : "a process name and a count") +
                   (cl.operands.size() > want ? ", got '" + cl.operands[want] + "'" : "");
  }
  return result;
}

const char* SubcommandName(Subcommand s) { return InfoOf(s).name; }

}  // namespace phpeek::cli
