#include "plugins/dashboard/dashboard.h"

#include <utility>

#include "phpeek/json.hpp"
#include "plugins/common/control/auth.h"
#include "plugins/common/control/backend_error.h"
#include "plugins/common/control/error_body.h"
#include "plugins/common/control/query.h"
#include "plugins/common/control/scale_request.h"
#include "plugins/common/control/sse_answer.h"
#include "plugins/common/http/json_string.h"
#include "plugins/common/http/percent_decoding.h"
#include "plugins/dashboard/cookies.h"
#include "plugins/dashboard/page_assets.h"

namespace phpeek::dashboard {
namespace {

using http::HttpRequest;
using http::HttpResponse;

constexpr size_t kMaxSessions = 256;
constexpr uint32_t kLogBacklog = 200;  // lines a log pane opens with

HttpResponse Error(int status, std::string_view detail) {
  return control::ErrorResponse(status, control::ErrorPhrase(status), detail);
}

HttpResponse Forbidden(std::string_view detail) {
  return control::ErrorResponse(403, "forbidden", detail);
}

// A browser names the page's origin in Origin; a POST from any other site's page is refused even
// before its (missing) CSRF token is. Clients that send no Origin are not browsers.
bool SameOrigin(const HttpRequest& request) {
  const std::string* origin = request.Field("Origin");
  const std::string* host = request.Field("Host");
  if (origin == nullptr) return true;
  if (host == nullptr) return false;
  return *origin == "http://" + *host || *origin == "https://" + *host;
}

HttpResponse AssetAnswer(const PageAsset& asset) {
  HttpResponse r;
  r.content_type = std::string(asset.content_type);
  r.body = std::string(asset.body);
  return r;
}

std::string SessionJson(bool auth_required, const SessionStore::Session* session) {
  std::string out = std::string("{\"auth_required\":") + (auth_required ? "true" : "false") +
                    ",\"signed_in\":" + (session ? "true" : "false") + ",\"csrf\":";
  if (session) {
    http::AppendJsonString(&out, session->csrf);
  } else {
    out += "null";
  }
  out += "}";
  return out;
}

// {"token":"..."}: the token as sent, or nullopt with `err`.
std::optional<std::string> LoginToken(std::string_view body, std::string* err) {
  json::Document doc;
  if (!doc.Parse(body, err)) return std::nullopt;
  const json::Read<std::string_view> token = doc.root()["token"].AsString();
  if (!token.ok()) {
    *err = "expected a JSON object such as {\"token\": \"...\"}";
    return std::nullopt;
  }
  return std::string(token.value);
}

// "/api/processes/web/restart" -> {"processes", "web", "restart"}; false when not of that form.
bool SplitAction(std::string_view path, std::string* kind, std::string* name, std::string* verb,
                 std::string* err) {
  path.remove_prefix(std::string_view("/api/").size());
  const size_t first = path.find('/');
  const size_t last = path.rfind('/');
  if (first == std::string_view::npos || last == first) return false;
  *kind = std::string(path.substr(0, first));
  *verb = std::string(path.substr(last + 1));
  return http::PercentDecode(path.substr(first + 1, last - first - 1), name, err) && !name->empty();
}

}  // namespace

Dashboard::Dashboard(control::Backend* backend, control::StreamHub* hub, DashboardOptions options)
    : backend_(backend),
      hub_(hub),
      secure_cookie_(options.secure_cookie),
      token_(std::move(options.token)),
      sessions_(options.session_ttl, kMaxSessions, std::move(options.now)) {}

void Dashboard::SetToken(std::optional<std::string> token) {
  {
    std::lock_guard<std::mutex> lock(token_mu_);
    token_ = std::move(token);
  }
  sessions_.Clear();
}

bool Dashboard::TokenRequired() {
  std::lock_guard<std::mutex> lock(token_mu_);
  return token_.has_value();
}

std::optional<SessionStore::Session> Dashboard::SessionOf(const HttpRequest& request) {
  const std::string* header = request.Field("Cookie");
  if (header == nullptr) return std::nullopt;
  const std::optional<std::string_view> id = CookieValue(*header, kSessionCookie);
  if (!id || id->empty()) return std::nullopt;
  return sessions_.Find(*id);
}

HttpResponse Dashboard::Handle(const HttpRequest& request) {
  const std::string_view path = http::TargetPath(request.target);
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (post && !SameOrigin(request)) {
    return Forbidden("the request comes from another site's page (Origin)");
  }
  if (const PageAsset* asset = FindPageAsset(path)) {
    return get ? AssetAnswer(*asset) : Error(405, "use GET");
  }
  if (path == "/session") return get ? Session(request) : Error(405, "use GET");
  if (path == "/login") return post ? Login(request) : Error(405, "use POST");
  if (path == "/logout") return post ? Logout(request) : Error(405, "use POST");
  if (path.starts_with("/api/")) return Api(request, path);
  return Error(404, "no such page: the dashboard is at /");
}

HttpResponse Dashboard::Session(const HttpRequest& request) {
  const bool required = TokenRequired();
  std::optional<SessionStore::Session> session = SessionOf(request);
  HttpResponse r;
  if (!session && !required) {
    session = sessions_.Create();
    r.headers.emplace_back("Set-Cookie",
                           SessionCookie(session->id, sessions_.ttl(), secure_cookie_));
  }
  r.content_type = "application/json";
  r.body = SessionJson(required, session ? &*session : nullptr);
  return r;
}

HttpResponse Dashboard::Login(const HttpRequest& request) {
  std::string err;
  const std::optional<std::string> given = LoginToken(request.body, &err);
  if (!given) return control::ErrorResponse(400, "invalid request body", err);
  {
    std::lock_guard<std::mutex> lock(token_mu_);
    if (token_ && !control::ConstantTimeEquals(*given, *token_)) {
      return control::ErrorResponse(401, "unauthorized", "wrong token");
    }
  }
  const SessionStore::Session session = sessions_.Create();
  HttpResponse r = control::JsonResponse(200, SessionJson(TokenRequired(), &session));
  r.headers.emplace_back("Set-Cookie", SessionCookie(session.id, sessions_.ttl(), secure_cookie_));
  return r;
}

HttpResponse Dashboard::Logout(const HttpRequest& request) {
  if (const std::optional<SessionStore::Session> session = SessionOf(request)) {
    sessions_.Remove(session->id);
  }
  HttpResponse r;
  r.status = 204;
  r.headers.emplace_back("Set-Cookie", ExpiredSessionCookie(secure_cookie_));
  return r;
}

HttpResponse Dashboard::Api(const HttpRequest& request, std::string_view path) {
  const std::optional<SessionStore::Session> session = SessionOf(request);
  if (request.method == "POST") {
    if (!session) return control::ErrorResponse(401, "unauthorized", "sign in first");
    const std::string* csrf = request.Field("X-CSRF-Token");
    if (csrf == nullptr || !control::ConstantTimeEquals(*csrf, session->csrf)) {
      return Forbidden("missing or wrong X-CSRF-Token: reload the page");
    }
    return Action(request, path);
  }
  if (request.method != "GET") return Error(405, "use GET or POST");
  if (!session && TokenRequired()) {
    return control::ErrorResponse(401, "unauthorized", "sign in first");
  }
  if (path == "/api/processes") {
    std::string json;
    const control::BackendResult r = backend_->ListProcesses(&json);
    return r.code == control::BackendCode::kOk ? control::JsonResponse(200, std::move(json))
                                               : control::BackendError(std::nullopt, r);
  }
  if (path == "/api/events") return Events(request);
  if (path == "/api/logs") return Logs(request);
  return Error(404, "no such route");
}

HttpResponse Dashboard::Action(const HttpRequest& request, std::string_view path) {
  std::string kind, name, verb, err;
  if (!SplitAction(path, &kind, &name, &verb, &err)) {
    return err.empty() ? Error(404, "no such route") : Error(400, err);
  }
  control::BackendResult result;
  std::optional<control::ControlOp> op;  // none for a job's trigger
  std::string body = "{\"status\":\"accepted\"}";
  if (kind == "jobs" && verb == "trigger") {
    int64_t run_id = 0;
    result = backend_->ControlJob(control::JobOp::kTrigger, name, &run_id);
    body = "{\"status\":\"accepted\",\"run_id\":" + std::to_string(run_id) + "}";
  } else if (kind == "processes" && verb == "scale") {
    control::ScaleRequest scale;
    if (!control::ParseScaleRequest(request.body, &scale, &err)) {
      return control::ErrorResponse(400, "invalid request body", err);
    }
    if (scale.relative || scale.value < 0 || scale.value > 100000) {
      return control::ErrorResponse(400, "invalid request body",
                                    "expected {\"scale\": N} with N from 0 to 100000");
    }
    op = control::ControlOp::kScale;
    result = backend_->Control(*op, name, static_cast<int>(scale.value));
  } else if (kind == "processes" && (verb == "start" || verb == "stop" || verb == "restart")) {
    op = verb == "start"  ? control::ControlOp::kStart
         : verb == "stop" ? control::ControlOp::kStop
                          : control::ControlOp::kRestart;
    result = backend_->Control(*op, name, 0);
  } else {
    return Error(404, "no such action");
  }
  if (result.code != control::BackendCode::kOk) return control::BackendError(op, result);
  return control::JsonResponse(202, std::move(body));
}

HttpResponse Dashboard::Logs(const HttpRequest& request) {
  const std::optional<std::string_view> raw = control::QueryParam(request.target, "process");
  control::LogQuery query;
  std::string err;
  if (!raw || !http::PercentDecode(*raw, &query.process, &err) || query.process.empty()) {
    return Error(400, err.empty() ? "expected ?process=NAME" : err);
  }
  query.limit = kLogBacklog;
  std::optional<uint64_t> last_id;
  if (!control::LastEventId(request, &last_id, &err)) return Error(400, err);
  if (last_id) query.since = *last_id;
  control::StreamHub::Opened opened = hub_->OpenLogs(query, last_id.has_value());
  if (opened.busy) return Error(503, "too many open streams; close a log pane or another page");
  if (!opened.stream) return control::BackendError(std::nullopt, opened.result);
  return control::SseAnswer(std::move(opened.stream));
}

HttpResponse Dashboard::Events(const HttpRequest& request) {
  std::optional<uint64_t> last_id;
  std::string err;
  if (!control::LastEventId(request, &last_id, &err)) return Error(400, err);
  control::StreamHub::Opened opened = hub_->OpenEvents(last_id, 0);
  if (opened.busy) return Error(503, "too many open streams; close another page");
  if (!opened.stream) return control::BackendError(std::nullopt, opened.result);
  return control::SseAnswer(std::move(opened.stream));
}

}  // namespace phpeek::dashboard
