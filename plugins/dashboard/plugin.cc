// Entry point and lifecycle of the dashboard plugin: settings at init, bind and serve at start,
// join everything at stop. The page and its routes are dashboard.h; the daemon's view and the
// streams are plugins/common/control, as for the rest-api plugin.
#include "phpeek/plugin.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "plugins/common/control/host_backend.h"
#include "plugins/common/control/stream_server.h"
#include "plugins/common/security/listener_security.h"
#include "plugins/dashboard/config_schema.h"
#include "plugins/dashboard/dashboard.h"
#include "plugins/dashboard/server_options.h"
#include "plugins/dashboard/settings.h"

namespace phpeek::dashboard {
namespace {

// Streams of 20 browsers with an open log pane each, and room to spare.
constexpr int kMaxStreams = 64;

class DashboardPlugin : public phpeek::v1::Plugin {
 public:
  DashboardPlugin(phpeek::v1::Host host, const std::string& /*config_json*/)
      : Plugin(host), backend_(host) {
    std::string err;
    if (!LoadSettings(control::HostLookup(host), &settings_, &err) ||
        !security_.Load(security::HostJsonLookup(host), "dashboard", &err)) {
      throw phpeek::v1::Error(PHPEEK_E_INVALID_ARGUMENT, err);
    }
  }

  phpeek::v1::Status start() override {
    control::StreamOptions streams;
    streams.max_streams = kMaxStreams;
    streams.lower_priority = true;
    server_ = std::make_unique<control::StreamServer>(&backend_, streams);
    DashboardOptions options;
    options.token = settings_.token;
    options.session_ttl = std::chrono::milliseconds(settings_.session_ttl_ms);
    options.secure_cookie = security_.tls_enabled();
    dashboard_ = std::make_unique<Dashboard>(&backend_, server_->hub(), std::move(options));
    std::string err;
    if (!server_->Start(
            DashboardServerOptions(settings_, security_.TransportFactory()),
            [this](const http::HttpRequest& r) { return Serve(r); }, host(), &err)) {
      return phpeek::v1::Status::Error(PHPEEK_E_INVALID_ARGUMENT, err);
    }
    host().info(std::string("dashboard listening on ") + security_.scheme() + "://" +
                server_->addresses().front() +
                (settings_.token ? " (sign-in with api_auth)" : " (no authentication)"));
    return subscribeEvents(PHPEEK_EVENT_MASK_ALL);
  }

  void onEvent(const phpeek_event& ev) override {
    if (ev.type == PHPEEK_EVENT_CONFIG_RELOADED) ApplyReload();
    server_->Publish(ev);
  }

  phpeek::v1::Status stop() override {
    if (server_) server_->Stop();
    return phpeek::v1::Status::Ok();
  }

  static void validateConfig(const phpeek::v1::ConfigCheck& config) { ValidateConfig(config); }

 private:
  // The access list first: a refused client gets its 403 before anything else is looked at.
  http::HttpResponse Serve(const http::HttpRequest& request) {
    if (std::optional<http::HttpResponse> refused = security_.Screen(request)) return *refused;
    return dashboard_->Handle(request);
  }

  // A reload with another api_auth signs every browser out; certificates and the access list are
  // read again for new connections; where the dashboard listens is fixed until the daemon
  // restarts. Never logs a token.
  void ApplyReload() {
    Settings next;
    std::string err;
    if (!LoadSettings(control::HostLookup(host()), &next, &err)) {
      host().error("the reloaded dashboard settings are not applied: " + err);
      return;
    }
    std::string note;
    if (!security_.Reload(security::HostJsonLookup(host()), &err, &note)) {
      host().error(
          "the reloaded dashboard_tls/dashboard_acl are not applied (the previous ones "
          "stay): global." +
          err);
    } else if (!note.empty()) {
      host().warn(note);
    }
    if (next.token == settings_.token) return;
    settings_.token = next.token;
    dashboard_->SetToken(next.token);
    host().info("api_auth changed by reload: every dashboard session ended");
  }

  control::HostBackend backend_;
  Settings settings_;
  security::ListenerSecurity security_;
  std::unique_ptr<Dashboard> dashboard_;
  // Declared last, so destroyed first: its threads, which call dashboard_, end before it does.
  std::unique_ptr<control::StreamServer> server_;
};

}  // namespace
}  // namespace phpeek::dashboard

PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(phpeek::dashboard::DashboardPlugin, "dashboard", "0.1.0",
                                 "web dashboard: processes, actions, logs and jobs in a browser",
                                 phpeek::dashboard::kConfigKeys, 1)
