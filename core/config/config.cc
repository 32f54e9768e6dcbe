#include "core/config/config.h"

#include <algorithm>

namespace phpeek::config {

const ProcessSpec* Config::FindProcess(const std::string& name) const {
  const auto it = std::find_if(processes.begin(), processes.end(),
                               [&](const ProcessSpec& p) { return p.name == name; });
  return it == processes.end() ? nullptr : &*it;
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

const char* ToString(DependencyCondition v) {
  switch (v) {
    case DependencyCondition::kReady:
      return "ready";
    case DependencyCondition::kStarted:
      return "process_started";
    case DependencyCondition::kHealthy:
      return "process_healthy";
    case DependencyCondition::kCompleted:
      return "process_completed";
    case DependencyCondition::kCompletedSuccessfully:
      return "process_completed_successfully";
  }
  return "ready";
}

}  // namespace phpeek::config

namespace phpeek::config {

std::string ListenAddress::Text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace phpeek::config
