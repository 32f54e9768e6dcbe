// --help texts. Kept apart from parsing so that the wording can be read and edited in one place.
#include "core/cli/command_line.h"

namespace phpeek::cli {
namespace {

constexpr const char* kConfigLookup =
    "  -c, --config FILE  configuration file; without it: $PHPEEK_PM_CONFIG, then\n"
    "                     /etc/phpeek-pm/phpeek-pm.yaml, then ./phpeek-pm.yaml\n";

constexpr const char* kClientOptions =
    "      --url URL      API address, http://, https:// or unix: (default:\n"
    "                     $PHPEEK_PM_API_URL, or the config's api_host/api_port/api_tls)\n"
    "      --token TOKEN  bearer token (default: $PHPEEK_PM_API_TOKEN or $PHPEEK_PM_API_AUTH,\n"
    "                     or the config's api_auth)\n"
    "      --cacert FILE  https: the CA (or the server's certificate) to trust (default:\n"
    "                     $PHPEEK_PM_API_CACERT, the config's api_tls.cert_file, the system's)\n"
    "      --cert FILE    https: a client certificate for mutual TLS ($PHPEEK_PM_API_CERT)\n"
    "      --key FILE     its private key ($PHPEEK_PM_API_KEY; default: in --cert)\n";

std::string ServeUsage() {
  return std::string(
             "Usage: phpeek-pm [serve] [-c FILE] [--dry-run] [--php-fpm-profile P]\n"
             "                 [--autotune-memory-threshold X]\n"
             "\n"
             "Run the supervisor: start every enabled process of the configuration, keep them\n"
             "running, reap orphans (also as PID 1) and shut down cleanly on SIGTERM, SIGINT or\n"
             "SIGQUIT (a second SIGTERM or SIGINT skips to SIGKILL); SIGHUP reloads the\n"
             "configuration file. Logs go to standard output.\n"
             "\n"
             "Options:\n") +
         kConfigLookup +
         "      --dry-run      load and validate the configuration, print the plan, exit\n"
         "      --php-fpm-profile P\n"
         "                     tune php-fpm for the memory and CPU limits found (profile dev,\n"
         "                     light, medium, heavy or bursty; default: "
         "$PHP_FPM_AUTOTUNE_PROFILE)\n"
         "                     and give every process PHP_FPM_PM, PHP_FPM_MAX_CHILDREN,\n"
         "                     PHP_FPM_MAX_REQUESTS, PHP_FPM_START_SERVERS, PHP_FPM_MIN_SPARE,\n"
         "                     PHP_FPM_MAX_SPARE; too little memory for the profile: no start\n"
         "      --autotune-memory-threshold X\n"
         "                     the share of the memory limit to plan for, 0 to 2 (0: the\n"
         "                     profile's); beats $PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD and\n"
         "                     global.autotune_memory_threshold\n"
         "  -h, --help         show this help\n"
         "\n"
         "Commands: serve (default), check-config, fpm-tune, status, start, stop, restart, scale,\n"
         "jobs, trigger, reload, signal, logs, events, tui, init, version.\n"
         "Run 'phpeek-pm COMMAND --help' for a command's options.\n"
         "\n"
         "Exit status: 0 after a clean shutdown or when every process ended well, 1 when a\n"
         "process failed or the configuration is invalid, 2 on a usage error.\n";
}

std::string CheckConfigUsage() {
  return std::string(
             "Usage: phpeek-pm check-config [-c FILE] [--strict] [--json]\n"
             "       phpeek-pm check-config --keys [-c FILE] [--json]\n"
             "\n"
             "Validate a configuration file and report every problem found, each with\n"
             "file:line:column, key, message and a hint.\n"
             "With --keys, list every configuration key instead: the core's, and those the\n"
             "first-party plugins (and, with -c, the file's other plugins) declare\n"
             "(config/reference.md documents each).\n"
             "\n"
             "Options:\n") +
         kConfigLookup +
         "      --strict       treat warnings as errors\n"
         "      --keys         list the configuration keys instead of checking a file\n"
         "      --json         print the report (or the keys) as one JSON document\n"
         "  -h, --help         show this help\n"
         "\n"
         "Exit status: 0 valid, 1 invalid, 2 usage error.\n";
}

std::string InitUsage() {
  return "Usage: phpeek-pm init --preset laravel|symfony|wordpress|generic [--queue N]\n"
         "                      [--horizon] [--scheduler] [--octane] [--app-dir DIR]\n"
         "                      [-o FILE] [--force]\n"
         "\n"
         "Write a commented phpeek-pm.yaml for a PHP application: php-fpm (graceful reload on\n"
         "SIGUSR2, SIGQUIT stop, health check, pool metrics) and nginx behind it (started once\n"
         "php-fpm is ready, reload on SIGHUP), the readiness file, and what the options add.\n"
         "The file passes 'phpeek-pm check-config --strict' where php-fpm8.2, nginx and php\n"
         "are installed.\n"
         "\n"
         "Options:\n"
         "      --preset NAME  laravel, symfony, wordpress or generic\n"
         "      --queue N      N queue workers (laravel: queue:work, symfony: messenger:consume;\n"
         "                     default 1 for both, 0 leaves them out)\n"
         "      --horizon      laravel: Horizon runs the workers instead of queue:work\n"
         "      --scheduler    the framework's scheduler as a job every minute (laravel:\n"
         "                     schedule:run, symfony: the scheduler transport, wordpress:\n"
         "                     wp-cron.php)\n"
         "      --octane       laravel: Octane serves the application instead of php-fpm\n"
         "      --app-dir DIR  the application's root (default /var/www/html)\n"
         "  -o, --output FILE  where to write (default ./phpeek-pm.yaml)\n"
         "      --force        overwrite an existing file\n"
         "  -h, --help         show this help\n"
         "\n"
         "Exit status: 0 written, 1 the file exists (without --force) or cannot be written,\n"
         "2 usage error.\n";
}

std::string FpmTuneUsage() {
  return std::string(
             "Usage: phpeek-pm fpm-tune [--profile P] [--autotune-memory-threshold X] [-c FILE]\n"
             "                          [--json]\n"
             "\n"
             "Print the php-fpm pool that serve's autotune computes, and how: the profile's\n"
             "figures, the memory threshold and where it comes from, the memory and CPU limits\n"
             "and the file each was read from (cgroup v2 or v1, else the host's, with a\n"
             "warning), each step of the computation, the pm.* values and the PHP_FPM_*\n"
             "variables serve gives every process. Starts nothing.\n"
             "\n"
             "Options:\n") +
         kConfigLookup +
         "                     (its global.autotune_memory_threshold; none found: no file)\n"
         "      --profile P    dev, light, medium, heavy or bursty (default:\n"
         "                     $PHP_FPM_AUTOTUNE_PROFILE)\n"
         "      --autotune-memory-threshold X\n"
         "                     the share of the memory limit to plan for, 0 to 2 (0: the\n"
         "                     profile's); beats $PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD and the\n"
         "                     file's key\n"
         "      --json         print the report as one JSON document\n"
         "  -h, --help         show this help\n"
         "\n"
         "Exit status: 0 computed; 1 when a limit cannot be read, the memory is too little for\n"
         "the profile (the message shows the figures) or the configuration is invalid; 2 on a\n"
         "usage error (no profile given).\n";
}

std::string ClientUsage(Subcommand s) {
  std::string synopsis;
  std::string what;
  switch (s) {
    case Subcommand::kStatus:
      synopsis = "status [--json]";
      what = "Show every process and instance: state, pid, uptime and restarts.\n";
      break;
    case Subcommand::kScale:
      synopsis = "scale NAME COUNT [--wait]";
      what = "Set the number of instances of a process.\n";
      break;
    case Subcommand::kJobs:
      synopsis = "jobs [--json]";
      what =
          "Show every scheduled job: schedule, state, next and last run, last exit code, runs.\n";
      break;
    case Subcommand::kTrigger:
      synopsis = "trigger NAME [--wait]";
      what =
          "Run a scheduled job now (also while its schedule is paused). With --wait, wait for\n"
          "the run to end: exit 0 when it succeeded, 1 otherwise.\n";
      break;
    case Subcommand::kStart:
    case Subcommand::kRestart:
      synopsis = std::string(SubcommandName(s)) + " NAME [--wait]";
      what = std::string("Ask the daemon to ") + SubcommandName(s) +
             " a process (and, for a start, the stopped or failed dependencies it waits for).\n"
             "With --wait, wait until it is ready (healthy where it has a readiness check), a\n"
             "oneshot until it has completed: exit 0 then, a failed oneshot's own exit code, 1\n"
             "when it failed, is blocked by a dependency or the timeout passed (the message says\n"
             "what it was still waiting for).\n";
      break;
    case Subcommand::kReload:
      synopsis = "reload [NAME [--wait]]";
      what =
          "Without NAME: make the daemon read its configuration file again and put it in\n"
          "force, as SIGHUP does: added processes start, removed ones stop, changed ones roll\n"
          "or scale, the others keep running untouched. Prints what changed as JSON; an invalid\n"
          "file changes nothing and its errors are printed (file:line:column), exit status 1.\n"
          "With NAME: send the process's reload_signal (SIGUSR2 for php-fpm, SIGHUP for nginx)\n"
          "to each running instance, a graceful reload without a restart. With --wait, wait\n"
          "until every instance is ready again (its readiness check passed after the signal).\n";
      break;
    case Subcommand::kSignal:
      synopsis = "signal NAME SIGNAL [--group]";
      what =
          "Send SIGNAL (USR1, SIGUSR2, WINCH, ...) to each instance's main process, or with\n"
          "--group to each instance's whole process group.\n";
      break;
    case Subcommand::kLogs:
      synopsis = "logs [NAME] [-f] [-n N] [--instance ID] [--json]";
      what =
          "Print the last lines the processes wrote (every process, or NAME's), oldest first:\n"
          "time, instance, level, message. The daemon keeps each instance's lines across its\n"
          "restarts, so a crashed instance's last words are here. With -f, go on printing new\n"
          "lines as they come; when the connection drops (the API restarts) reconnect and go on\n"
          "where it stopped, without a gap or a line twice; end when the daemon shuts down.\n";
      break;
    case Subcommand::kTui:
      synopsis = "tui";
      what =
          "A terminal UI on the running daemon: the live process table (sort, filter), keys to\n"
          "start, stop, restart, scale and trigger (each asks first), a log view that follows,\n"
          "the scheduled jobs; '?' lists the keys. It redraws when the daemon reports a change\n"
          "and uses no CPU while nothing changes; when the daemon goes away it says so and\n"
          "reconnects when the daemon is back.\n";
      break;
    case Subcommand::kEvents:
      synopsis = "events [-n N] [--json]";
      what =
          "Print the daemon's lifecycle events as they happen: state changes, spawns, exits,\n"
          "health changes, hooks, job runs, reloads, blocked dependencies. Reconnects like\n"
          "logs -f; ends when the daemon shuts down.\n";
      break;
    default:
      synopsis = std::string(SubcommandName(s)) + " NAME [--wait]";
      what = std::string("Ask the daemon to ") + SubcommandName(s) + " a process.\n";
  }
  std::string text = "Usage: phpeek-pm " + synopsis +
                     " [-c FILE] [--url URL] [--token TOKEN]\n"
                     "       [--cacert FILE] [--cert FILE --key FILE]\n\n" +
                     what + "Talks to the running daemon's Management API.\n\nOptions:\n" +
                     kConfigLookup + kClientOptions;
  if (s == Subcommand::kStatus) {
    text += "      --json         print the API's JSON answer\n";
  } else if (s == Subcommand::kJobs) {
    text += "      --json         print the jobs as JSON\n";
  } else if (s == Subcommand::kLogs) {
    text +=
        "  -f, --follow       keep printing new lines until the daemon shuts down (Ctrl-C stops)\n"
        "  -n, --lines N      the last N lines first (1 to 10000, default 100)\n"
        "      --instance ID  only this instance's lines (e.g. php-fpm-0; needs NAME)\n"
        "      --json         print each line as the API's JSON entry, one per line\n";
  } else if (s == Subcommand::kEvents) {
    text +=
        "  -n, --lines N      the last N events the daemon kept first (0 to 1000, default 0)\n"
        "      --json         print each event as the API's JSON, one per line\n";
  } else if (s == Subcommand::kTui) {
    // Nothing to add: it waits for nothing, it prints no JSON.
  } else if (s == Subcommand::kReload) {
    text +=
        "      --wait         with NAME: block until every instance is ready again\n"
        "      --timeout SEC  how long --wait waits (default 60)\n";
  } else if (s == Subcommand::kSignal) {
    text +=
        "      --group        signal each instance's process group, not only its main process\n";
  } else if (s == Subcommand::kTrigger) {
    text +=
        "      --wait         block until the run has ended\n"
        "      --timeout SEC  how long --wait waits (default 60)\n";
  } else {
    text +=
        "      --wait         block until the requested state is reached\n"
        "      --timeout SEC  how long --wait waits (default 60)\n";
  }
  return text + "  -h, --help         show this help\n";
}

}  // namespace

std::string UsageText(Subcommand s) {
  switch (s) {
    case Subcommand::kServe:
      return ServeUsage();
    case Subcommand::kCheckConfig:
      return CheckConfigUsage();
    case Subcommand::kFpmTune:
      return FpmTuneUsage();
    case Subcommand::kVersion:
      return "Usage: phpeek-pm version\n       phpeek-pm --version\n\nPrint the version.\n";
    case Subcommand::kInit:
      return InitUsage();
    default:
      return ClientUsage(s);
  }
}

}  // namespace phpeek::cli
