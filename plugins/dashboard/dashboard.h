// The dashboard's HTTP surface: the page (page_assets.h), the sign-in, the process list, the event
// and log streams, and the actions, all over the daemon's Backend and StreamHub
// (plugins/common/control) exactly as the REST API sees them: it proves the plugin ABI carries a
// whole control surface, without going through the rest-api plugin.
//
//   GET  /                          the page (and /app.js, /app.css)
//   GET  /session                   {"auth_required","signed_in","csrf"}: without api_auth every
//                                   page is signed in at once (a session for its CSRF token)
//   POST /login  {"token":"..."}    200 {"csrf"} with the session cookie; 401 for a wrong token
//   POST /logout                    ends the session
//   GET  /api/processes             the host's process list (plugin_abi.h process_list)
//   GET  /api/events                text/event-stream of lifecycle events (as GET /api/v1/events)
//   GET  /api/logs?process=NAME     text/event-stream of NAME's log lines, newest 200 first
//   POST /api/processes/{name}/start|stop|restart    202
//   POST /api/processes/{name}/scale {"scale":N}     202
//   POST /api/jobs/{name}/trigger                    202 {"run_id"}
// Everything under /api needs a session; every POST but /login needs its CSRF token in
// X-CSRF-Token, and a POST that names another Origin than the dashboard's own is refused.
// Errors are JSON: {"error","detail"} (control/error_body.h). Thread-safe: HTTP workers call
// Handle concurrently.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "plugins/common/control/backend.h"
#include "plugins/common/control/stream_hub.h"
#include "plugins/common/http/message.h"
#include "plugins/dashboard/sessions.h"

namespace phpeek::dashboard {

struct DashboardOptions {
  std::optional<std::string> token;  // api_auth; unset: no sign-in
  std::chrono::milliseconds session_ttl{std::chrono::hours(12)};
  bool secure_cookie = false;  // served over TLS
  SessionStore::Now now = SessionStore::Clock::now;
};

class Dashboard {
 public:
  Dashboard(control::Backend* backend, control::StreamHub* hub, DashboardOptions options);

  http::HttpResponse Handle(const http::HttpRequest& request);
  // A reload changed api_auth: the new token holds at once and every session ends.
  void SetToken(std::optional<std::string> token);

 private:
  http::HttpResponse Session(const http::HttpRequest& request);
  http::HttpResponse Login(const http::HttpRequest& request);
  http::HttpResponse Logout(const http::HttpRequest& request);
  http::HttpResponse Api(const http::HttpRequest& request, std::string_view path);
  http::HttpResponse Action(const http::HttpRequest& request, std::string_view path);
  http::HttpResponse Logs(const http::HttpRequest& request);
  http::HttpResponse Events(const http::HttpRequest& request);
  // The request's live session, if any.
  std::optional<SessionStore::Session> SessionOf(const http::HttpRequest& request);
  bool TokenRequired();

  control::Backend* const backend_;
  control::StreamHub* const hub_;
  const bool secure_cookie_;
  std::mutex token_mu_;
  std::optional<std::string> token_;  // guarded by token_mu_
  SessionStore sessions_;
};

}  // namespace phpeek::dashboard
