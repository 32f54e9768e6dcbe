#include "core/config/config.h"

#include <algorithm>

namespace phpeek::config {

const ProcessSpec* Config::FindProcess(const std::string& name) const {
  const auto it = std::find_if(processes.begin(), processes.end(),
                               [&](const ProcessSpec& p) { return p.name == name; });
  return it == processes.end() ? nullptr : &*it;
}

Diagnostics ReportUnknownGlobalKeys(const Config& config,
                                    const std::vector<std::string>& plugin_keys) {
  return ReportUnknownGlobalKeys(config.source_path, config.unknown_global_keys, plugin_keys);
}

Diagnostics ReportUnknownGlobalKeys(const std::string& file,
                                    const std::vector<UnknownGlobalKey>& keys,
                                    const std::vector<std::string>& plugin_keys) {
  Diagnostics out;
  for (const auto& u : keys) {
    if (std::find(plugin_keys.begin(), plugin_keys.end(), u.key) != plugin_keys.end()) continue;
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.file = file;
    d.pos = u.pos;
    d.key_path = "global." + u.key;
    d.message = u.env_var.empty()
                    ? "unknown key '" + u.key + "' is ignored (no loaded plugin reads it)"
                    : "environment variable " + u.env_var + " sets unknown key '" + u.key +
                          "', which is ignored (no loaded plugin reads it)";
    if (!u.closest_known.empty()) d.hint = "did you mean '" + u.closest_known + "'?";
    out.push_back(std::move(d));
  }
  return out;
}

const char* ToString(RestartPolicy v) {
  switch (v) {
    case RestartPolicy::kAlways:
      return "always";
    case RestartPolicy::kOnFailure:
      return "on-failure";
    case RestartPolicy::kNever:
      return "never";
  }
  return "always";
}

const char* ToString(ProcessType v) {
  switch (v) {
    case ProcessType::kLongrun:
      return "longrun";
    case ProcessType::kOneshot:
      return "oneshot";
  }
  return "longrun";
}

const char* ToString(LogLevel v) {
  switch (v) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

const char* ToString(LogFormat v) {
  switch (v) {
    case LogFormat::kJson:
      return "json";
    case LogFormat::kText:
      return "text";
  }
  return "json";
}

}  // namespace phpeek::config
