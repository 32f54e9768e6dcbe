#include "plugins/rest-api/handlers.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "phpeek/json.hpp"
#include "plugins/common/control/auth.h"
#include "plugins/common/control/error_body.h"
#include "plugins/common/control/query.h"
#include "plugins/common/control/scale_request.h"
#include "plugins/common/http/json_string.h"
#include "plugins/rest-api/daemon_view.h"
#include "plugins/rest-api/host_answer.h"
#include "plugins/rest-api/process_view.h"
#include "plugins/rest-api/routes.h"
#include "plugins/rest-api/signal_request.h"

namespace phpeek::rest {
namespace {

constexpr size_t kMaxNameLength = 64;
// The longest a ?sync=true trigger waits for its run: a job's schedule_timeout plus this grace
// (its stop signal, then SIGKILL after its shutdown.timeout), and never more than kMaxSyncWait.
constexpr std::chrono::milliseconds kSyncGrace{60'000};
constexpr std::chrono::milliseconds kMaxSyncWait{3'600'000};
constexpr uint64_t kMaxHistoryLimit = 10000;  // global.schedule_history_size's bound

// The spec's 202 body: {"message": "<verb> initiated", "process": name}.
std::string InitiatedBody(std::string_view verb, const std::string& name) {
  std::string body = "{\"message\":";
  http::AppendJsonString(&body, std::string(verb) + " initiated");
  body += ",\"process\":";
  http::AppendJsonString(&body, name);
  return body;
}

const char* Verb(control::ControlOp op) {
  switch (op) {
    case control::ControlOp::kStart:
      return "start";
    case control::ControlOp::kStop:
      return "stop";
    case control::ControlOp::kRestart:
      return "restart";
    case control::ControlOp::kScale:
      return "scale";
    case control::ControlOp::kReload:
      return "reload";
    case control::ControlOp::kSignal:
    case control::ControlOp::kSignalGroup:
      return "signal";
  }
  return "control";
}

std::string_view Authorization(const HttpRequest& request) {
  const std::string* value = request.Field("Authorization");
  return value ? std::string_view(*value) : std::string_view();
}

// Holds one of the ?sync=true slots for its lifetime, if one was free.
class SyncSlot {
 public:
  SyncSlot(std::atomic<int>* count, int max) : count_(count) {
    taken_ = count_->fetch_add(1) < max;
    if (!taken_) count_->fetch_sub(1);
  }
  ~SyncSlot() {
    if (taken_) count_->fetch_sub(1);
  }
  SyncSlot(const SyncSlot&) = delete;
  SyncSlot& operator=(const SyncSlot&) = delete;
  bool taken() const { return taken_; }

 private:
  std::atomic<int>* count_;
  bool taken_ = false;
};

HttpResponse Unauthorized() {
  HttpResponse r = control::ErrorResponse(401, control::ErrorPhrase(401));
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace

bool IsValidInstanceId(std::string_view id) {
  constexpr size_t kMaxInstanceIdLength = 80;
  return id.size() <= kMaxInstanceIdLength &&
         IsValidProcessName(id.substr(0, std::min(id.size(), kMaxNameLength))) &&
         (id.size() <= kMaxNameLength ||
          id.substr(kMaxNameLength)
                  .find_first_not_of(
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
              std::string_view::npos);
}

bool IsValidProcessName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) return false;
  }
  return true;
}

Api::Api(control::Backend* backend, ApiOptions options)
    : backend_(backend),
      options_(std::move(options)),
      token_(std::make_shared<const std::optional<std::string>>(options_.token)),
      max_process_scale_(options_.max_process_scale),
      list_cache_(&RenderProcessList) {}

void Api::SetToken(std::optional<std::string> token) {
  auto next = std::make_shared<const std::optional<std::string>>(std::move(token));
  std::lock_guard<std::mutex> lock(token_mu_);
  token_ = std::move(next);
}

void Api::SetMaxProcessScale(int max) { max_process_scale_.store(max); }

std::shared_ptr<const std::optional<std::string>> Api::Token() const {
  std::lock_guard<std::mutex> lock(token_mu_);
  return token_;
}

HttpResponse Api::Handle(const HttpRequest& request) const {
  std::vector<std::string> segments;
  std::string path_error;
  const bool path_ok = SplitPath(request.target, &segments, &path_error);
  // Everything but the health check needs the token, including unknown and malformed paths, so
  // that an unauthenticated client learns nothing about the API but its health.
  const std::shared_ptr<const std::optional<std::string>> token = Token();
  if (*token && !(path_ok && IsPublicPath(segments)) &&
      !control::BearerMatches(Authorization(request), **token)) {
    return Unauthorized();
  }
  if (!path_ok) return control::ErrorResponse(400, control::ErrorPhrase(400), path_error);
  const RouteMatch match = MatchRoute(request.method, segments);
  if (match.outcome == RouteMatch::Outcome::kNotFound)
    return control::ErrorResponse(404, control::ErrorPhrase(404));
  if (match.outcome == RouteMatch::Outcome::kMethodNotAllowed) {
    HttpResponse r = control::ErrorResponse(405, control::ErrorPhrase(405));
    r.headers.emplace_back("Allow", match.allow);
    return r;
  }
  if (!match.name.empty() && !IsValidProcessName(match.name)) {
    return control::ErrorResponse(400, "invalid process name",
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
      return control::JsonResponse(200, std::string(options_.openapi_json));
    case RouteId::kListProcesses:
      return ListProcesses();
    case RouteId::kGetProcess:
      return GetProcess(match.name);
    case RouteId::kStart:
      return Control(control::ControlOp::kStart, match.name);
    case RouteId::kStop:
      return Control(control::ControlOp::kStop, match.name);
    case RouteId::kRestart:
      return Control(control::ControlOp::kRestart, match.name);
    case RouteId::kScale:
      return Scale(match.name, request.body);
    case RouteId::kReload:
      return Control(control::ControlOp::kReload, match.name);
    case RouteId::kSignal:
      return Signal(match.name, request.body);
    case RouteId::kSchedule:
      return Schedule(match.name);
    case RouteId::kScheduleHistory:
      return History(match.name, request.target);
    case RouteId::kSchedulePause:
      return PauseOrResume(control::JobOp::kPause, match.name);
    case RouteId::kScheduleResume:
      return PauseOrResume(control::JobOp::kResume, match.name);
    case RouteId::kScheduleTrigger:
      return Trigger(match.name, request.target);
    case RouteId::kProcessLogs:
      return Logs(match.name, request);
    case RouteId::kLogs:
      return Logs("", request);
    case RouteId::kEvents:
      return Events(request);
    case RouteId::kConfigReload:
      return ReloadConfig();
  }
  return control::ErrorResponse(500, control::ErrorPhrase(500));
}

HttpResponse Api::Ready() const {
  std::string host_json;
  const control::BackendResult r = backend_->DaemonStatus(&host_json);
  const DaemonView view = RenderReady(r.code == control::BackendCode::kOk ? host_json : "");
  return control::JsonResponse(view.status, view.body);
}

HttpResponse Api::Health() const {
  std::string host_json;
  const control::BackendResult r = backend_->DaemonStatus(&host_json);
  const DaemonView view = RenderHealth(r.code == control::BackendCode::kOk ? host_json : "");
  return control::JsonResponse(view.status, view.body);
}

HttpResponse Api::ListProcesses() const {
  std::string host_json;
  const control::BackendResult r = backend_->ListProcesses(&host_json);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  std::shared_ptr<const std::string> body;
  std::string err;
  if (!list_cache_.Render(host_json, &body, &err))
    return control::ErrorResponse(500, control::ErrorPhrase(500), err);
  return control::JsonResponse(200, *body);
}

HttpResponse Api::GetProcess(const std::string& name) const {
  std::string host_json;
  const control::BackendResult r = backend_->GetProcess(name, &host_json);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  std::string body;
  std::string err;
  if (!RenderProcess(host_json, &body, &err))
    return control::ErrorResponse(500, control::ErrorPhrase(500), err);
  return control::JsonResponse(200, std::move(body));
}

HttpResponse Api::Control(control::ControlOp op, const std::string& name) const {
  const control::BackendResult r = backend_->Control(op, name, 0);
  if (r.code != control::BackendCode::kOk) return BackendError(op, r);
  return control::JsonResponse(202, InitiatedBody(Verb(op), name) + "}");
}

HttpResponse Api::Scale(const std::string& name, std::string_view body) const {
  control::ScaleRequest request;
  std::string err;
  if (!control::ParseScaleRequest(body, &request, &err)) {
    return control::ErrorResponse(400, "invalid request body", err);
  }
  // The current count is needed for "delta", and the lookup answers 404 before any body check
  // that depends on the process.
  std::string host_json;
  const control::BackendResult got = backend_->GetProcess(name, &host_json);
  if (got.code != control::BackendCode::kOk) return BackendError(std::nullopt, got);
  int current = 0;
  if (!ReadDesiredScale(host_json, &current, &err)) {
    return control::ErrorResponse(500, control::ErrorPhrase(500), err);
  }
  int target = 0;
  if (!control::ResolveScale(request, current, max_process_scale_.load(), &target, &err)) {
    return control::ErrorResponse(400, "invalid request body", err);
  }
  const control::BackendResult r = backend_->Control(control::ControlOp::kScale, name, target);
  if (r.code != control::BackendCode::kOk) return BackendError(control::ControlOp::kScale, r);
  return control::JsonResponse(
      202, InitiatedBody("scale", name) + ",\"scale\":" + std::to_string(target) + "}");
}

HttpResponse Api::Signal(const std::string& name, std::string_view body) const {
  SignalRequest request;
  std::string err;
  if (!ParseSignalRequest(body, &request, &err)) {
    return control::ErrorResponse(400, "invalid request body", err);
  }
  const control::ControlOp op =
      request.group ? control::ControlOp::kSignalGroup : control::ControlOp::kSignal;
  const control::BackendResult r = backend_->Control(op, name, request.number);
  if (r.code != control::BackendCode::kOk) return BackendError(op, r);
  std::string reply = InitiatedBody("signal", name) + ",\"signal\":";
  http::AppendJsonString(&reply, request.name);
  reply += request.group ? ",\"target\":\"group\"}" : ",\"target\":\"leader\"}";
  return control::JsonResponse(202, std::move(reply));
}

HttpResponse Api::Schedule(const std::string& name) const {
  std::string host_json;
  const control::BackendResult r = backend_->GetSchedule(name, &host_json);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  return HostObject(200, host_json);
}

HttpResponse Api::History(const std::string& name, std::string_view target) const {
  uint64_t limit = 0;  // all the history keeps
  if (control::ReadNumberParam(target, "limit", 1, kMaxHistoryLimit, &limit) ==
      control::NumberParam::kInvalid) {
    return control::ErrorResponse(
        400, control::ErrorPhrase(400),
        "limit must be a whole number from 1 to " + std::to_string(kMaxHistoryLimit));
  }
  std::string host_json;
  const control::BackendResult r =
      backend_->GetHistory(name, static_cast<uint32_t>(limit), &host_json);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  return HostObject(200, host_json);
}

HttpResponse Api::PauseOrResume(control::JobOp op, const std::string& name) const {
  int64_t run_id = 0;
  const control::BackendResult r = backend_->ControlJob(op, name, &run_id);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  std::string body = "{\"message\":";
  http::AppendJsonString(&body,
                         op == control::JobOp::kPause ? "schedule paused" : "schedule resumed");
  body += ",\"process\":";
  http::AppendJsonString(&body, name);
  return control::JsonResponse(200, body + "}");
}

// 202 with the run's id; with ?sync=true, 200 with the run once it has ended.
HttpResponse Api::Trigger(const std::string& name, std::string_view target) const {
  const std::optional<bool> sync = control::FlagParam(target, "sync");
  if (!sync)
    return control::ErrorResponse(400, control::ErrorPhrase(400), "sync must be true or false");
  SyncSlot slot(&sync_triggers_, *sync ? options_.max_sync_triggers : 0);
  if (*sync && !slot.taken()) {
    return control::ErrorResponse(
        503, control::ErrorPhrase(503),
        std::to_string(options_.max_sync_triggers) +
            " triggers with sync=true are already waiting; trigger without it "
            "and follow GET /api/v1/processes/" +
            name + "/schedule/history");
  }
  int64_t run_id = 0;
  const control::BackendResult r = backend_->ControlJob(control::JobOp::kTrigger, name, &run_id);
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  if (*sync) return WaitForRun(name, run_id);
  return control::JsonResponse(
      202, InitiatedBody("trigger", name) + ",\"run_id\":" + std::to_string(run_id) + "}");
}

HttpResponse Api::WaitForRun(const std::string& name, int64_t run_id) const {
  // Bounded by the job's schedule_timeout when it has one.
  std::chrono::milliseconds wait = kMaxSyncWait;
  std::string schedule_json;
  json::Document schedule;
  if (backend_->GetSchedule(name, &schedule_json).code == control::BackendCode::kOk &&
      schedule.Parse(schedule_json)) {
    const json::Read<int64_t> timeout = schedule.root()["timeout_ms"].AsInt64();
    if (timeout.ok()) wait = std::min(wait, std::chrono::milliseconds(timeout.value) + kSyncGrace);
  }
  std::string host_json;
  const control::BackendResult r = backend_->WaitRun(name, run_id, wait, &host_json);
  if (r.code == control::BackendCode::kTimeout) {
    return control::ErrorResponse(504, control::ErrorPhrase(504),
                                  "run " + std::to_string(run_id) + " is still active after " +
                                      std::to_string(wait.count() / 1000) +
                                      " s; follow GET /api/v1/processes/" + name +
                                      "/schedule/history");
  }
  if (r.code != control::BackendCode::kOk) return BackendError(std::nullopt, r);
  return HostObject(200, host_json);
}

// 200 with what changed; 422 with every error of an invalid file (nothing changed).
HttpResponse Api::ReloadConfig() const {
  std::string host_json;
  const control::BackendResult r = backend_->ReloadConfig(&host_json);
  if (r.code == control::BackendCode::kOk) {
    if (options_.reloaded) options_.reloaded();  // the new token holds from this answer on
    return HostObject(200, host_json);
  }
  if (r.code != control::BackendCode::kInvalidArgument) {
    if (r.code == control::BackendCode::kState)
      return control::ErrorResponse(409, control::ErrorPhrase(409), r.message);
    if (r.code == control::BackendCode::kTimeout)
      return control::ErrorResponse(504, control::ErrorPhrase(504), r.message);
    return BackendError(std::nullopt, r);
  }
  json::Document doc;
  std::string body = "{\"error\":\"invalid configuration\",\"detail\":";
  http::AppendJsonString(&body, r.message);
  body += ",\"errors\":";
  std::string err;
  if (doc.Parse(host_json, &err) && doc.root()["errors"].is_array()) {
    body += std::string(doc.root()["errors"].text());
  } else {
    body += "[]";
  }
  return control::JsonResponse(422, body + "}");
}

}  // namespace phpeek::rest
