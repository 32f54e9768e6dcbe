#include "plugins/metrics/daemon_status.h"

#include "phpeek/json.hpp"

namespace phpeek::metrics {
namespace {

// The number at `key` of a daemon_status document; nullopt when the document is not a JSON
// object or the key is absent or not a number.
std::optional<double> NumberAt(std::string_view daemon_status_json, std::string_view key) {
  json::Document doc;
  if (!doc.Parse(daemon_status_json)) return std::nullopt;
  const json::Read<double> r = doc.root()[key].AsDouble();
  return r.ok() ? std::optional<double>(r.value) : std::nullopt;
}

}  // namespace

std::optional<Family> LogLinesDroppedFamily(std::string_view daemon_status_json) {
  const std::optional<double> dropped = NumberAt(daemon_status_json, "log_lines_dropped");
  if (!dropped) return std::nullopt;
  Family f{"phpeek_pm_log_lines_dropped_total",
           "Log lines that never reached the daemon's stdout (it was stalled or closed).",
           MetricType::kCounter,
           {}};
  f.Add({}, *dropped);
  return f;
}

std::vector<Family> ConfigReloadFamilies(std::string_view daemon_status_json) {
  json::Document doc;
  if (!doc.Parse(daemon_status_json)) return {};
  const json::Value reloads = doc.root()["config_reloads"];
  const json::Read<double> success = reloads["success"].AsDouble();
  const json::Read<double> failure = reloads["failure"].AsDouble();
  const json::Read<double> last = doc.root()["config_last_reload_success_ms"].AsDouble();
  if (!success.ok() || !failure.ok() || !last.ok()) return {};
  Family total{"phpeek_pm_config_reloads_total",
               "Configuration reloads by result (failure: the file was invalid, nothing changed).",
               MetricType::kCounter,
               {}};
  total.Add({{"result", "success"}}, success.value).Add({{"result", "failure"}}, failure.value);
  Family when{"phpeek_pm_config_last_reload_success_timestamp_seconds",
              "Unix time of the last successful configuration load (start-up or reload).",
              MetricType::kGauge,
              {}};
  when.Add({}, last.value / 1000.0);
  std::vector<Family> out;
  out.push_back(std::move(total));
  out.push_back(std::move(when));
  return out;
}

std::vector<Family> LogHistoryFamilies(std::string_view daemon_status_json) {
  json::Document doc;
  if (!doc.Parse(daemon_status_json)) return {};
  const json::Value h = doc.root()["log_history"];
  struct Series {
    const char* key;
    const char* name;
    const char* help;
    MetricType type;
  };
  static constexpr Series kSeries[] = {
      {"bytes", "phpeek_pm_log_history_bytes",
       "Memory held by the process-log history (what log_buffer_total_bytes bounds).",
       MetricType::kGauge},
      {"lines", "phpeek_pm_log_history_lines", "Lines kept in the process-log history.",
       MetricType::kGauge},
      {"instances", "phpeek_pm_log_history_instances",
       "Instances with a buffer in the process-log history.", MetricType::kGauge},
      {"evicted", "phpeek_pm_log_history_evicted_total",
       "Lines evicted from the process-log history to stay under log_buffer_total_bytes.",
       MetricType::kCounter},
      {"followers", "phpeek_pm_log_history_followers",
       "Live followers of the process logs (log streams).", MetricType::kGauge},
  };
  std::vector<Family> out;
  for (const Series& s : kSeries) {
    const json::Read<double> v = h[s.key].AsDouble();
    if (!v.ok()) return {};
    Family f{s.name, s.help, s.type, {}};
    f.Add({}, v.value);
    out.push_back(std::move(f));
  }
  return out;
}

std::optional<double> DaemonStartSeconds(std::string_view daemon_status_json) {
  const std::optional<double> ms = NumberAt(daemon_status_json, "started_at_ms");
  if (!ms || *ms <= 0) return std::nullopt;
  return *ms / 1000.0;
}

}  // namespace phpeek::metrics
