// The Management API (management-api.md): authentication, routing and the handlers, from a
// plain HttpRequest to a plain HttpResponse (plugins/common/http/message.h). Stateless apart from
// its options and the memo of the last rendered process list; Handle is called concurrently from
// every HTTP worker thread. The streaming routes (follow=1 logs, events) hand their stream to the
// StreamHub of the options (stream_hub.h).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/common/control/backend.h"
#include "plugins/common/control/error_body.h"
#include "plugins/rest-api/render_cache.h"

namespace phpeek::control {
class StreamHub;
}  // namespace phpeek::control

namespace phpeek::rest {

using http::HttpRequest;
using http::HttpResponse;

struct RouteMatch;

struct ApiOptions {
  std::optional<std::string> token;  // api_auth; unset = no authentication (SetToken replaces it)
  int max_process_scale = 100;       // global max_process_scale
  std::string_view openapi_json;     // served at /api/v1/openapi.json
  // Triggers with ?sync=true that may wait at once, each holding an HTTP worker; one more gets
  // 503 (the server has 8 workers: the rest of the API stays served).
  int max_sync_triggers = 4;
  // After a successful POST /api/v1/config/reload, before the answer: the plugin applies its new
  // settings (the new token is then the one checked for every later request).
  std::function<void()> reloaded = nullptr;
  // The SSE streams (follow=1 logs, events); unset: those routes answer 501.
  control::StreamHub* streams = nullptr;
};

class Api {
 public:
  Api(control::Backend* backend, ApiOptions options);

  HttpResponse Handle(const HttpRequest& request) const;
  // A reload changed api_auth or max_process_scale: requests from now on use these.
  void SetToken(std::optional<std::string> token);
  void SetMaxProcessScale(int max);

 private:
  HttpResponse Dispatch(const RouteMatch& match, const HttpRequest& request) const;
  HttpResponse Ready() const;
  HttpResponse Health() const;
  HttpResponse ListProcesses() const;
  HttpResponse GetProcess(const std::string& name) const;
  HttpResponse Control(control::ControlOp op, const std::string& name) const;
  HttpResponse Scale(const std::string& name, std::string_view body) const;
  HttpResponse Signal(const std::string& name, std::string_view body) const;
  // Scheduled jobs.
  HttpResponse Schedule(const std::string& name) const;
  HttpResponse History(const std::string& name, std::string_view target) const;
  HttpResponse PauseOrResume(control::JobOp op, const std::string& name) const;
  HttpResponse Trigger(const std::string& name, std::string_view target) const;
  HttpResponse WaitForRun(const std::string& name, int64_t run_id) const;
  HttpResponse ReloadConfig() const;
  // Process logs and lifecycle events (stream_handlers.cc). `name` "": every process.
  HttpResponse Logs(const std::string& name, const HttpRequest& request) const;
  HttpResponse LogsError(const control::LogQuery& query, const control::BackendResult& r) const;
  HttpResponse Events(const HttpRequest& request) const;
  std::shared_ptr<const std::optional<std::string>> Token() const;

  control::Backend* backend_;
  ApiOptions options_;
  mutable std::mutex token_mu_;
  std::shared_ptr<const std::optional<std::string>> token_;  // guarded by token_mu_
  std::atomic<int> max_process_scale_;
  mutable std::atomic<int> sync_triggers_{0};  // ?sync=true triggers waiting now
  RenderCache list_cache_;  // GET /api/v1/processes, re-rendered only when the snapshot changes
};

// True when `name` could be a process name: [A-Za-z0-9][A-Za-z0-9_.-]*, at most 64 characters
// (configuration.md), case-sensitive.
bool IsValidProcessName(std::string_view name);
// True when `id` could be an instance id ("<name>-<index>"): the characters of a process name, at
// most 80 characters.
bool IsValidInstanceId(std::string_view id);

}  // namespace phpeek::rest
