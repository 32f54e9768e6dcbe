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

std::optional<double> DaemonStartSeconds(std::string_view daemon_status_json) {
  const std::optional<double> ms = NumberAt(daemon_status_json, "started_at_ms");
  if (!ms || *ms <= 0) return std::nullopt;
  return *ms / 1000.0;
}

}  // namespace phpeek::metrics
