#include "plugins/rest-api/routes.h"

#include "plugins/common/http/message.h"
#include "plugins/common/http/percent_decoding.h"

namespace phpeek::rest {
namespace {

std::vector<std::string_view> PatternSegments(std::string_view pattern) {
  std::vector<std::string_view> parts;
  size_t start = 1;
  while (start <= pattern.size()) {
    const size_t slash = pattern.find('/', start);
    const size_t end = slash == std::string_view::npos ? pattern.size() : slash;
    parts.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// Matches `segments` against `pattern`; fills `name` from a "{name}" segment.
bool PathMatches(std::string_view pattern, const std::vector<std::string>& segments,
                 std::string* name) {
  const std::vector<std::string_view> parts = PatternSegments(pattern);
  if (parts.size() != segments.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{name}") {
      if (segments[i].empty()) return false;
      *name = segments[i];
    } else if (parts[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/api/v1/health", RouteId::kHealth, false},
      {"GET", "/api/v1/ready", RouteId::kReady, false},
      {"GET", "/api/v1/openapi.json", RouteId::kOpenApi, true},
      {"GET", "/api/v1/processes", RouteId::kListProcesses, true},
      {"GET", "/api/v1/processes/{name}", RouteId::kGetProcess, true},
      {"POST", "/api/v1/processes/{name}/start", RouteId::kStart, true},
      {"POST", "/api/v1/processes/{name}/stop", RouteId::kStop, true},
      {"POST", "/api/v1/processes/{name}/restart", RouteId::kRestart, true},
      {"POST", "/api/v1/processes/{name}/scale", RouteId::kScale, true},
      {"POST", "/api/v1/processes/{name}/reload", RouteId::kReload, true},
      {"POST", "/api/v1/processes/{name}/signal", RouteId::kSignal, true},
      {"GET", "/api/v1/processes/{name}/schedule", RouteId::kSchedule, true},
      {"GET", "/api/v1/processes/{name}/schedule/history", RouteId::kScheduleHistory, true},
      {"POST", "/api/v1/processes/{name}/schedule/pause", RouteId::kSchedulePause, true},
      {"POST", "/api/v1/processes/{name}/schedule/resume", RouteId::kScheduleResume, true},
      {"POST", "/api/v1/processes/{name}/schedule/trigger", RouteId::kScheduleTrigger, true},
      {"GET", "/api/v1/processes/{name}/logs", RouteId::kProcessLogs, true},
      {"GET", "/api/v1/logs", RouteId::kLogs, true},
      {"GET", "/api/v1/events", RouteId::kEvents, true},
      {"POST", "/api/v1/config/reload", RouteId::kConfigReload, true},
  };
  return kRoutes;
}

bool SplitPath(std::string_view target, std::vector<std::string>* segments, std::string* err) {
  segments->clear();
  const std::string_view path = http::TargetPath(target);
  if (path.empty()) {
    *err = "the request target must be an absolute path such as /api/v1/processes";
    return false;
  }
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    std::string segment;
    if (!http::PercentDecode(path.substr(start, end - start), &segment, err)) return false;
    if (segment == "." || segment == "..") {
      *err = "the path contains a '.' or '..' segment";
      return false;
    }
    segments->push_back(std::move(segment));
    start = end + 1;
  }
  return true;
}

RouteMatch MatchRoute(std::string_view method, const std::vector<std::string>& segments) {
  RouteMatch match;
  bool get_allowed = false;
  bool post_allowed = false;
  for (const Route& route : RouteTable()) {
    std::string name;
    if (!PathMatches(route.pattern, segments, &name)) continue;
    if (method == route.method) {
      match.outcome = RouteMatch::Outcome::kFound;
      match.route = &route;
      match.name = std::move(name);
      return match;
    }
    (std::string_view(route.method) == "GET" ? get_allowed : post_allowed) = true;
  }
  if (get_allowed || post_allowed) {
    match.outcome = RouteMatch::Outcome::kMethodNotAllowed;
    match.allow = get_allowed && post_allowed ? "GET, HEAD, POST"
                  : get_allowed               ? "GET, HEAD"
                                              : "POST";
  }
  return match;
}

bool IsPublicPath(const std::vector<std::string>& segments) {
  std::string name;
  for (const Route& route : RouteTable()) {
    if (!route.needs_auth && PathMatches(route.pattern, segments, &name)) return true;
  }
  return false;
}

}  // namespace phpeek::rest
