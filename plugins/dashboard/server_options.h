// How the dashboard uses the plugins' HTTP server (plugins/common/http/server.h): one listener,
// small request bodies, JSON errors, and the page's security headers on every answer.
#pragma once

#include <functional>
#include <memory>

#include "plugins/common/http/server.h"
#include "plugins/dashboard/settings.h"

namespace phpeek::dashboard {

// `transport`: what each accepted connection is wrapped in (TLS, listener_security.h); unset:
// plain.
http::ServerOptions DashboardServerOptions(
    const Settings& settings,
    std::function<std::unique_ptr<http::Transport>(int fd)> transport = nullptr);

}  // namespace phpeek::dashboard
