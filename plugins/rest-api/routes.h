// The route table (path pattern + method -> route id) and the path parser in front of it.
//
// Paths are matched segment by segment after percent-decoding each segment, so "%70rocesses"
// matches "processes" but "%2F" can never split a segment. Dot segments ("." and "..") are
// refused rather than resolved: nothing here is a file tree, and a client sending them is either
// confused or probing. HEAD never reaches the routes: the server answers it as GET without the
// body (plugins/common/http/server.h), so Allow lists it wherever GET is allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phpeek::rest {

enum class RouteId {
  kHealth,
  kReady,
  kOpenApi,
  kListProcesses,
  kGetProcess,
  kStart,
  kStop,
  kRestart,
  kScale,
  kReload,
  kSignal,
  kSchedule,
  kScheduleHistory,
  kSchedulePause,
  kScheduleResume,
  kScheduleTrigger,
  kProcessLogs,
  kLogs,
  kEvents,
  kConfigReload,
};

struct Route {
  const char* method;   // "GET" or "POST"
  const char* pattern;  // e.g. "/api/v1/processes/{name}/scale"
  RouteId id;
  bool needs_auth;  // false only for the health and readiness checks
};

// Every route the API serves, in documentation order.
const std::vector<Route>& RouteTable();

// Splits the path of a request-target (query dropped; origin-form or absolute-form) into decoded
// segments. Returns false with a message for a target that is not an absolute path, bad
// percent-encoding, a decoded '/' or NUL, or a dot segment.
bool SplitPath(std::string_view target, std::vector<std::string>* segments, std::string* err);

struct RouteMatch {
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed };
  Outcome outcome = Outcome::kNotFound;
  const Route* route = nullptr;
  std::string name;   // the {name} segment, when the pattern has one
  std::string allow;  // for kMethodNotAllowed: "GET, HEAD" or "POST"
};

RouteMatch MatchRoute(std::string_view method, const std::vector<std::string>& segments);

// True when the segments address a route that is served without authentication.
bool IsPublicPath(const std::vector<std::string>& segments);

}  // namespace phpeek::rest
