// The `metrics` plugin: entry point and lifecycle glue. Reads the metrics_* settings and probes
// procfs at init, subscribes to instance events and starts the HTTP listener at start, joins it at
// stop. A scrape reads the host's process snapshot and /proc (never the supervisor loop itself),
// so a slow or busy scraper cannot delay supervision; it asks the processes' php-fpm pools for
// their status over FastCGI (fpm_pools.h), at most 1 s for all of them together.
//
// procfs is read at $PHPEEK_PM_METRICS_PROC_ROOT when set (tests point it at an empty or partial
// tree; a host could mount procfs elsewhere), else /proc. What cannot be read there is said once
// in the log and its series are left out, never published as 0. The daemon's start time comes
// from the host's daemon_status (ABI 1.1), so it needs /proc only on a 1.0 host.
#include "phpeek/plugin.hpp"

#include <atomic>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "plugins/metrics/collector.h"
#include "plugins/metrics/config_schema.h"
#include "plugins/metrics/daemon_status.h"
#include "plugins/metrics/exposition.h"
#include "plugins/metrics/families.h"
#include "plugins/metrics/fpm_pools.h"
#include "plugins/metrics/hook_stats.h"
#include "plugins/metrics/listener.h"
#include "plugins/metrics/proc_stats.h"
#include "plugins/metrics/routes.h"
#include "plugins/metrics/settings.h"
#include "plugins/metrics/snapshot.h"

namespace phpeek::metrics {
namespace {

constexpr const char* kProcRootVariable = "PHPEEK_PM_METRICS_PROC_ROOT";

std::string ProcRoot() {
  const char* root = std::getenv(kProcRootVariable);
  return root != nullptr && *root != '\0' ? root : "/proc";
}

// The one warning about an incomplete procfs: what is missing and which series that costs; empty
// when it costs nothing (the start time also comes from the host).
std::string ProcfsWarning(const std::string& root, const ProcfsStatus& procfs,
                          bool start_time_known) {
  std::string costs;
  if (!start_time_known) costs += " phpeek_pm_manager_start_time_seconds is not published;";
  if (!procfs.processes) {
    costs +=
        " phpeek_pm_process_cpu_seconds_total, phpeek_pm_process_memory_bytes and "
        "phpeek_pm_process_file_descriptors are not published;";
  } else if (!procfs.children) {
    costs += " the resource series count each instance's own process only, not its children;";
  }
  if (costs.empty()) return "";
  costs.pop_back();
  std::string missing;
  for (const std::string& item : procfs.missing) missing += (missing.empty() ? "" : "; ") + item;
  return "procfs at " + root + " is incomplete (" + missing + "):" + costs;
}

// HOOK_FINISHED is 1.1: a 1.0 host never sends it, and then the hook series stay empty.
constexpr uint32_t kEventMask =
    PHPEEK_EVENT_MASK(PHPEEK_EVENT_STATE_CHANGED) | PHPEEK_EVENT_MASK(PHPEEK_EVENT_SPAWNED) |
    PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED) | PHPEEK_EVENT_MASK(PHPEEK_EVENT_HOOK_FINISHED) |
    PHPEEK_EVENT_MASK(PHPEEK_EVENT_CONFIG_RELOADED);

class MetricsPlugin : public v1::Plugin {
 public:
  MetricsPlugin(v1::Host host, const std::string& /*config_json*/)
      : Plugin(host),
        listener_([this] { return Scrape(); },
                  [this](int level, const std::string& m) { this->host().log(level, m); }) {
    std::string err;
    if (!ParseSettings([this](const std::string& key) { return Lookup(key); }, &settings_, &err)) {
      throw v1::Error(PHPEEK_E_INVALID_ARGUMENT, err);
    }
    if (!security_.Load(security::HostJsonLookup(host), "metrics", &err)) {
      throw v1::Error(PHPEEK_E_INVALID_ARGUMENT, "global." + err);
    }
    const char* version = host.api()->host_version;
    daemon_.version = version != nullptr ? version : "unknown";
    procfs_ = ProbeProcfs(proc_root_);
    // The daemon's own record of its start (ABI 1.1), else its /proc entry (the plugin runs in it).
    std::string status;
    if (host.daemonStatus(&status).ok()) daemon_.start_time_seconds = DaemonStartSeconds(status);
    if (!daemon_.start_time_seconds) daemon_.start_time_seconds = procfs_.daemon_start;
  }

  v1::Status start() override {
    if (!settings_.enabled) {
      host().info("metrics_enabled is false: not listening");
      return v1::Status::Ok();
    }
    const std::string procfs_warning =
        ProcfsWarning(proc_root_, procfs_, daemon_.start_time_seconds.has_value());
    if (!procfs_warning.empty()) host().warn(procfs_warning);
    v1::Status s = subscribeEvents(kEventMask, &subscription_);
    if (!s.ok()) return v1::Status::Error(s.code, "cannot subscribe to events: " + s.message);
    subscribed_ = true;
    std::string err;
    ListenerOptions options;
    options.host = settings_.host;
    options.port = settings_.port;
    options.metrics_path = settings_.path;
    options.security = &security_;
    if (!listener_.Start(options, &err)) {
      Unsubscribe();
      return v1::Status::Error(PHPEEK_E_INTERNAL, "global.metrics_port: " + err);
    }
    // The bound address (the kernel's pick for metrics_port: 0), in a line tests and tools parse.
    host().info(std::string("serving Prometheus metrics on ") + security_.scheme() + "://" +
                listener_.bound_address() + settings_.path);
    return v1::Status::Ok();
  }

  v1::Status stop() override {
    listener_.Stop();
    Unsubscribe();
    return v1::Status::Ok();
  }

  static void validateConfig(const v1::ConfigCheck& config) { ValidateConfig(config); }

  void onEvent(const phpeek_event& ev) override {
    if (ev.type == PHPEEK_EVENT_CONFIG_RELOADED) ReloadSecurity();
    collector_.OnEvent(ev);
    hooks_.OnEvent(ev);
    if (ev.dropped > 0) {
      host().warn("the event queue dropped " + std::to_string(ev.dropped) +
                  " events: restart counters may be low");
    }
  }

 private:
  SettingValue Lookup(const std::string& key) const {
    std::string text;
    const v1::Status s = host().configString("/" + key, &text);
    if (s.code == PHPEEK_E_NOT_FOUND) return SettingValue{};
    if (!s.ok()) return SettingValue{false, "", host().statusName(s.code) + " " + s.message};
    return SettingValue{true, text, ""};
  }

  // metrics_tls (certificates re-read) and metrics_acl apply to new connections; a bad one keeps
  // the previous settings.
  void ReloadSecurity() {
    std::string err;
    std::string note;
    if (!security_.Reload(security::HostJsonLookup(host()), &err, &note)) {
      host().error(
          "the reloaded metrics_tls/metrics_acl are not applied (the previous ones "
          "stay): global." +
          err);
    } else if (!note.empty()) {
      host().warn(note);
    }
  }

  HttpResponse Scrape() {
    try {
      std::string json;
      const v1::Status s = host().processList(&json);
      if (!s.ok()) {
        return ErrorResponse(503, "process list unavailable: " + host().statusName(s.code));
      }
      ProcessList decoded;
      std::string err;
      if (!decoder_.Decode(json, &decoded, &err)) {
        host().error("scrape: " + err);
        return ErrorResponse(500, err);
      }
      const std::vector<ProcessSnapshot>& processes = *decoded;
      const std::shared_ptr<const ListIndex> index = IndexOf(decoded);
      collector_.Retain(index->ids);
      std::string unreadable;
      const auto usage = proc_stats_.ReadGroups(index->groups, &unreadable);
      if (!unreadable.empty() && !warned_unreadable_.exchange(true)) {
        host().warn("cannot read " + unreadable +
                    ": the resource series of the instances concerned are left out (said once)");
      }
      std::vector<Family> families = BuildFamilies(processes, collector_, usage, daemon_);
      for (Family& f : hooks_.Families()) families.push_back(std::move(f));
      for (Family& f : fpm_.Scrape(processes)) families.push_back(std::move(f));
      AddDaemonStatus(&families);
      return HttpResponse{200, std::string(kTextContentType), RenderText(std::move(families)), {}};
    } catch (const std::exception& e) {
      return ErrorResponse(500, std::string("scrape failed: ") + e.what());
    }
  }

  // What a scrape needs from the process list besides the list itself, derived again only when
  // the decoder gives a new list (it gives the same one while the host's text is unchanged).
  struct ListIndex {
    ProcessList list;  // held, so that a new list can never be taken for this one
    std::unordered_set<std::string> ids;
    std::unordered_set<pid_t> groups;
  };

  std::shared_ptr<const ListIndex> IndexOf(const ProcessList& list) {
    std::lock_guard<std::mutex> lock(index_mu_);
    if (index_ == nullptr || index_->list != list) {
      index_ =
          std::make_shared<const ListIndex>(ListIndex{list, InstanceIds(*list), LiveGroups(*list)});
    }
    return index_;
  }

  // From the host's daemon_status (ABI 1.1); an older host has none, and so no such series.
  void AddDaemonStatus(std::vector<Family>* families) const {
    std::string json;
    if (!host().daemonStatus(&json).ok()) return;
    if (auto family = LogLinesDroppedFamily(json)) families->push_back(std::move(*family));
    for (Family& f : ConfigReloadFamilies(json)) families->push_back(std::move(f));
    for (Family& f : LogHistoryFamilies(json)) families->push_back(std::move(f));
  }

  void Unsubscribe() {
    if (!subscribed_) return;
    host().unsubscribe(subscription_);
    subscribed_ = false;
  }

  Settings settings_;
  const std::string proc_root_ = ProcRoot();
  ProcfsStatus procfs_;
  DaemonInfo daemon_;
  Collector collector_;
  ProcessListDecoder decoder_;
  std::mutex index_mu_;
  std::shared_ptr<const ListIndex> index_;  // of the latest list; guarded by index_mu_
  HookStats hooks_;
  ProcStats proc_stats_{proc_root_};
  std::atomic<bool> warned_unreadable_{false};
  // php-fpm pools: asked on each scrape, all at once, for at most 1 s together.
  FpmScraper fpm_{[this](int level, const std::string& m) { host().log(level, m); },
                  fastcgi::FetchLimits{}};
  security::ListenerSecurity security_;  // before listener_, which uses it
  MetricsListener listener_;
  uint64_t subscription_ = 0;
  bool subscribed_ = false;
};

}  // namespace
}  // namespace phpeek::metrics

// Loads in a 1.0 host too: daemon_status is the only 1.1 service it uses, and it checks for it; a
// 1.0 host passes its keys as written, which ParseSettings reads as well.
PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(phpeek::metrics::MetricsPlugin, "metrics", PHPEEK_METRICS_VERSION,
                                 "Prometheus metrics: process state, restarts, scale, /proc "
                                 "resource usage, php-fpm pools",
                                 phpeek::metrics::kConfigKeys, 0)
