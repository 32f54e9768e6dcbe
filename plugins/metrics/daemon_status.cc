#include "plugins/metrics/daemon_status.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <exception>
#include <string>

namespace phpeek::metrics {

std::optional<Family> LogLinesDroppedFamily(std::string_view daemon_status_json) {
  try {
    Poco::JSON::Parser parser;
    const auto obj =
        parser.parse(std::string(daemon_status_json)).extract<Poco::JSON::Object::Ptr>();
    const Poco::Dynamic::Var dropped = obj->get("log_lines_dropped");
    if (dropped.isEmpty() || !dropped.isNumeric()) return std::nullopt;
    Family f{"phpeek_pm_log_lines_dropped_total",
             "Log lines that never reached the daemon's stdout (it was stalled or closed).",
             MetricType::kCounter,
             {}};
    f.Add({}, dropped.convert<double>());
    return f;
  } catch (const std::exception&) {  // not JSON, or not an object (Poco exceptions included)
    return std::nullopt;
  }
}

std::optional<double> DaemonStartSeconds(std::string_view daemon_status_json) {
  try {
    Poco::JSON::Parser parser;
    const auto obj =
        parser.parse(std::string(daemon_status_json)).extract<Poco::JSON::Object::Ptr>();
    const Poco::Dynamic::Var ms = obj->get("started_at_ms");
    if (ms.isEmpty() || !ms.isNumeric() || ms.convert<double>() <= 0) return std::nullopt;
    return ms.convert<double>() / 1000.0;
  } catch (const std::exception&) {  // not JSON, or not an object (Poco exceptions included)
    return std::nullopt;
  }
}

}  // namespace phpeek::metrics
