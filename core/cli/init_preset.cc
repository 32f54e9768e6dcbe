#include "core/cli/init_preset.h"

namespace phpeek::cli {
namespace {

constexpr int kMaxQueue = 64;

bool IsLaravel(const InitOptions& o) { return o.preset == "laravel"; }

int Workers(const InitOptions& o) {
  if (o.queue >= 0) return o.queue;
  return o.preset == "laravel" || o.preset == "symfony" ? 1 : 0;
}

// The framework's console: what its workers and scheduler run.
std::string Console(const InitOptions& o) {
  if (o.preset == "symfony") return "\"php\", \"" + o.app_dir + "/bin/console\"";
  return "\"php\", \"" + o.app_dir + "/artisan\"";
}

std::string Header(const InitOptions& o) {
  return "# phpeek-pm configuration for a " + o.preset +
         " application, written by `phpeek-pm init --preset " + o.preset +
         "`.\n"
         "# Check it with `phpeek-pm check-config --strict`; every key is described in\n"
         "# config/reference.md of phpeek-pm. Adjust the paths to your image or host.\n"
         "version: \"1.0\"\n\n"
         "global:\n"
         "  shutdown_timeout: 60s          # bounds the whole graceful shutdown, then SIGKILL\n"
         "  log_format: json\n"
         "  api_enabled: true              # phpeek-pm status | reload | logs, on loopback only\n"
         "  api_host: 127.0.0.1\n"
         "  api_port: 9180\n"
         "  readiness:\n"
         "    enabled: true                # /tmp/phpeek-ready exists while the web tier is ready\n"
         "    processes: [" +
         std::string(o.octane ? "octane" : "php-fpm") + ", nginx]\n\n";
}

std::string PhpFpm() {
  return "  php-fpm:\n"
         "    # The pool must listen on 127.0.0.1:9000 (`listen = 127.0.0.1:9000`) and, for its\n"
         "    # metrics, serve `pm.status_path = /status`; set `process_control_timeout = 10s` in\n"
         "    # php-fpm.conf so that a reload or stop lets busy workers finish their requests.\n"
         "    command: [\"php-fpm8.2\", \"-F\", \"-R\"]\n"
         "    config_test: [\"php-fpm8.2\", \"-t\", \"-R\"]   # before each start, restart, "
         "reload\n"
         "    reload_signal: SIGUSR2         # phpeek-pm reload php-fpm: graceful\n"
         "    shutdown: {signal: SIGQUIT, timeout: 30s}\n"
         "    health_check: {address: \"127.0.0.1:9000\", period: 5s, mode: both}\n"
         "    php_fpm_status: {address: \"127.0.0.1:9000\", path: /status}\n\n";
}

std::string Octane(const InitOptions& o) {
  return "  octane:\n"
         "    # Laravel Octane serves the application itself; nginx proxies to it.\n"
         "    command: [" +
         Console(o) +
         ", \"octane:start\", \"--host=127.0.0.1\", \"--port=8000\"]\n"
         "    working_dir: " +
         o.app_dir +
         "\n"
         "    shutdown: {signal: SIGTERM, timeout: 30s}\n"
         "    health_check: {url: \"http://127.0.0.1:8000/up\", period: 5s, mode: both}\n\n";
}

std::string Nginx(const InitOptions& o) {
  return "  nginx:\n"
         "    command: [\"nginx\", \"-g\", \"daemon off;\"]\n"
         "    depends_on: [" +
         std::string(o.octane ? "octane" : "php-fpm") +
         "]          # starts once it is ready (its health check passes)\n"
         "    config_test: [\"nginx\", \"-t\", \"-q\"]    # a broken file never replaces a good "
         "one\n"
         "    reload_signal: SIGHUP          # phpeek-pm reload nginx: re-reads its configuration\n"
         "    shutdown: {signal: SIGQUIT, timeout: 15s}\n"
         "    health_check: {address: \"127.0.0.1:80\", period: 5s, mode: readiness}\n\n";
}

std::string QueueCommand(const InitOptions& o) {
  if (o.preset == "symfony") {
    return Console(o) + ", \"messenger:consume\", \"async\", \"--time-limit=3600\"";
  }
  return Console(o) + ", \"queue:work\", \"--sleep=3\", \"--tries=3\", \"--max-time=3600\"";
}

std::string Queue(const InitOptions& o) {
  if (o.horizon) {
    return "  horizon:\n"
           "    command: [" +
           Console(o) +
           ", \"horizon\"]\n"
           "    working_dir: " +
           o.app_dir +
           "\n"
           "    shutdown: {signal: SIGTERM, timeout: 60s}   # Horizon finishes its jobs first\n\n";
  }
  const int n = Workers(o);
  if (n == 0) return "";
  return "  queue:\n"
         "    command: [" +
         QueueCommand(o) +
         "]\n"
         "    working_dir: " +
         o.app_dir + "\n    scale: " + std::to_string(n) +
         "                       # phpeek-pm scale queue N at run time\n"
         "    max_scale: " +
         std::to_string(kMaxQueue) +
         "\n"
         "    shutdown: {signal: SIGTERM, timeout: 60s}   # the current job ends first\n"
         "    # No forward_signals: a worker is never hit by a signal meant for php-fpm.\n\n";
}

std::string Scheduler(const InitOptions& o) {
  if (!o.scheduler) return "";
  std::string command;
  if (o.preset == "laravel") command = Console(o) + ", \"schedule:run\"";
  if (o.preset == "symfony") {
    command = Console(o) + ", \"messenger:consume\", \"scheduler_default\", \"--time-limit=55\"";
  }
  if (o.preset == "wordpress") command = "\"php\", \"" + o.app_dir + "/wp-cron.php\"";
  return "  scheduler:\n"
         "    schedule: \"* * * * *\"          # every minute, as cron would; no overlap\n"
         "    command: [" +
         command +
         "]\n"
         "    working_dir: " +
         o.app_dir +
         "\n"
         "    schedule_timeout: 10m\n\n";
}

}  // namespace

std::string CheckInitOptions(const InitOptions& o) {
  if (o.preset != "laravel" && o.preset != "symfony" && o.preset != "wordpress" &&
      o.preset != "generic") {
    return o.preset.empty()
               ? "init needs --preset laravel|symfony|wordpress|generic"
               : "unknown preset '" + o.preset + "': use laravel, symfony, wordpress or generic";
  }
  if ((o.horizon || o.octane) && !IsLaravel(o)) {
    return std::string(o.horizon ? "--horizon" : "--octane") + " is a Laravel option";
  }
  if (o.queue >= 0 && o.preset != "laravel" && o.preset != "symfony") {
    return "--queue needs a framework with queue workers: laravel or symfony";
  }
  if (o.horizon && o.queue >= 0) {
    return "--horizon runs the queue workers itself: leave out --queue";
  }
  if (o.queue > kMaxQueue) return "--queue takes 0 to " + std::to_string(kMaxQueue) + " workers";
  if (o.scheduler && o.preset == "generic") {
    return "--scheduler needs a framework: use it with laravel, symfony or wordpress";
  }
  if (o.app_dir.empty() || o.app_dir[0] != '/') return "--app-dir takes an absolute path";
  return "";
}

std::string RenderInitConfig(const InitOptions& o) {
  std::string text = Header(o) + "processes:\n" + (o.octane ? Octane(o) : PhpFpm()) + Nginx(o) +
                     Queue(o) + Scheduler(o);
  while (text.size() > 1 && text[text.size() - 2] == '\n') text.pop_back();
  return text;
}

}  // namespace phpeek::cli
