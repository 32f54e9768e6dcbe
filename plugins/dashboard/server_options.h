// How the dashboard uses the plugins' HTTP server (plugins/common/http/server.h): one listener,
// small request bodies, JSON errors, and the page's security headers on every answer.
#pragma once

#include "plugins/common/http/server.h"
#include "plugins/dashboard/settings.h"

namespace phpeek::dashboard {

http::ServerOptions DashboardServerOptions(const Settings& settings);

}  // namespace phpeek::dashboard
