#include "plugins/rest-api/handlers.h"

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "plugins/rest-api/auth.h"
#include "plugins/rest-api/daemon_view.h"
#include "plugins/rest-api/error_body.h"
#include "plugins/rest-api/json_string.h"
#include "plugins/rest-api/process_view.h"
#include "plugins/rest-api/routes.h"
#include "plugins/rest-api/scale_request.h"

namespace phpeek::rest {
namespace {

constexpr size_t kMaxNameLength = 64;

// The spec's 202 body: {"message": "<verb> initiated", "process": name}.
std::string InitiatedBody(std::string_view verb, const std::string& name) {
  std::string body = "{\"message\":";
  AppendJsonString(&body, std::string(verb) + " initiated");
  body += ",\"process\":";
  AppendJsonString(&body, name);
  return body;
}

const char* Verb(ControlOp op) {
  switch (op) {
    case ControlOp::kStart:
      return "start";
    case ControlOp::kStop:
      return "stop";
    case ControlOp::kRestart:
      return "restart";
    case ControlOp::kScale:
      return "scale";
  }
  return "control";
}

// Maps a failed backend call to an HTTP error; the host's explanation becomes the detail. A
// refused scale is a bad body (the number came from it); other refusals name no body.
HttpResponse BackendError(std::optional<ControlOp> op, const BackendResult& r) {
  switch (r.code) {
    case BackendCode::kOk:
      return ErrorResponse(500, ErrorPhrase(500));
    case BackendCode::kNotFound:
      return ErrorResponse(404, "process not found");
    case BackendCode::kInvalidArgument:
      return ErrorResponse(400, op == ControlOp::kScale ? "invalid request body" : ErrorPhrase(400),
                           r.message);
    case BackendCode::kState:
      return ErrorResponse(409, ErrorPhrase(409), r.message);
    case BackendCode::kStopping:
      return ErrorResponse(503, ErrorPhrase(503), "the daemon is shutting down");
    case BackendCode::kTimeout:
      return ErrorResponse(503, ErrorPhrase(503), "the supervisor is busy, try again");
    case BackendCode::kUnsupported:
      return ErrorResponse(501, ErrorPhrase(501), r.message);
    case BackendCode::kInternal:
      break;
  }
  return ErrorResponse(500, ErrorPhrase(500), r.message);
}

std::string_view Authorization(const HttpRequest& request) {
  const std::string* value = request.Field("Authorization");
  return value ? std::string_view(*value) : std::string_view();
}

HttpResponse Unauthorized() {
  HttpResponse r = ErrorResponse(401, ErrorPhrase(401));
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace

bool IsValidProcessName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) return false;
  }
  return true;
}

Api::Api(Backend* backend, ApiOptions options)
    : backend_(backend), options_(std::move(options)), list_cache_(&RenderProcessList) {}

HttpResponse Api::Handle(const HttpRequest& request) const {
  std::vector<std::string> segments;
  std::string path_error;
  const bool path_ok = SplitPath(request.target, &segments, &path_error);
  // Everything but the health check needs the token, including unknown and malformed paths, so
  // that an unauthenticated client learns nothing about the API but its health.
  if (options_.token && !(path_ok && IsPublicPath(segments)) &&
      !BearerMatches(Authorization(request), *options_.token)) {
    return Unauthorized();
  }
  if (!path_ok) return ErrorResponse(400, ErrorPhrase(400), path_error);
  const RouteMatch match = MatchRoute(request.method, segments);
  if (match.outcome == RouteMatch::Outcome::kNotFound) return ErrorResponse(404, ErrorPhrase(404));
  if (match.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    HttpResponse r = ErrorResponse(405, ErrorPhrase(405));
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  if (!match.name.empty() && !IsValidProcessName(match.name)) {
    return ErrorResponse(400, "invalid process name",
                         "expected [A-Za-z0-9][A-Za-z0-9_.-]*, at most " +
                             std::to_string(kMaxNameLength) + " characters");
  }
  return Dispatch(match, request);
}

HttpResponse Api::Dispatch(const RouteMatch& match, const HttpRequest& request) const {
  switch (match.route->id) {
    case RouteId::kHealth:
      return Health();
    case RouteId::kReady:
      return Ready();
    case RouteId::kOpenApi:
      return JsonResponse(200, std::string(options_.openapi_json));
    case RouteId::kListProcesses:
      return ListProcesses();
    case RouteId::kGetProcess:
      return GetProcess(match.name);
    case RouteId::kStart:
      return Control(ControlOp::kStart, match.name);
    case RouteId::kStop:
      return Control(ControlOp::kStop, match.name);
    case RouteId::kRestart:
      return Control(ControlOp::kRestart, match.name);
    case RouteId::kScale:
      return Scale(match.name, request.body);
  }
  return ErrorResponse(500, ErrorPhrase(500));
}

HttpResponse Api::Ready() const {
  std::string host_json;
  const BackendResult r = backend_->DaemonStatus(&host_json);
  const DaemonView view = RenderReady(r.code == BackendCode::kOk ? host_json : "");
  return JsonResponse(view.status, view.body);
}

HttpResponse Api::Health() const {
  std::string host_json;
  const BackendResult r = backend_->DaemonStatus(&host_json);
  const DaemonView view = RenderHealth(r.code == BackendCode::kOk ? host_json : "");
  return JsonResponse(view.status, view.body);
}

HttpResponse Api::ListProcesses() const {
  std::string host_json;
  const BackendResult r = backend_->ListProcesses(&host_json);
  if (r.code != BackendCode::kOk) return BackendError(std::nullopt, r);
  std::shared_ptr<const std::string> body;
  std::string err;
  if (!list_cache_.Render(host_json, &body, &err)) return ErrorResponse(500, ErrorPhrase(500), err);
  return JsonResponse(200, *body);
}

HttpResponse Api::GetProcess(const std::string& name) const {
  std::string host_json;
  const BackendResult r = backend_->GetProcess(name, &host_json);
  if (r.code != BackendCode::kOk) return BackendError(std::nullopt, r);
  std::string body;
  std::string err;
  if (!RenderProcess(host_json, &body, &err)) return ErrorResponse(500, ErrorPhrase(500), err);
  return JsonResponse(200, std::move(body));
}

HttpResponse Api::Control(ControlOp op, const std::string& name) const {
  const BackendResult r = backend_->Control(op, name, 0);
  if (r.code != BackendCode::kOk) return BackendError(op, r);
  return JsonResponse(202, InitiatedBody(Verb(op), name) + "}");
}

HttpResponse Api::Scale(const std::string& name, std::string_view body) const {
  ScaleRequest request;
  std::string err;
  if (!ParseScaleRequest(body, &request, &err)) {
    return ErrorResponse(400, "invalid request body", err);
  }
  // The current count is needed for "delta", and the lookup answers 404 before any body check
  // that depends on the process.
  std::string host_json;
  const BackendResult got = backend_->GetProcess(name, &host_json);
  if (got.code != BackendCode::kOk) return BackendError(std::nullopt, got);
  int current = 0;
  if (!ReadDesiredScale(host_json, &current, &err)) {
    return ErrorResponse(500, ErrorPhrase(500), err);
  }
  int target = 0;
  if (!ResolveScale(request, current, options_.max_process_scale, &target, &err)) {
    return ErrorResponse(400, "invalid request body", err);
  }
  const BackendResult r = backend_->Control(ControlOp::kScale, name, target);
  if (r.code != BackendCode::kOk) return BackendError(ControlOp::kScale, r);
  return JsonResponse(202,
                      InitiatedBody("scale", name) + ",\"scale\":" + std::to_string(target) + "}");
}

}  // namespace phpeek::rest
