// Entry point and lifecycle of the rest-api plugin: read the settings from the `global:` block
// at init, bind and serve at start, join everything at stop. The behaviour lives in handlers.cc
// (the API), stream_hub.h (its event streams), api_server.cc (how it uses the HTTP server) and
// plugins/common/http (HTTP); this file only wires them to the host.
#include "phpeek/plugin.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugins/common/control/host_backend.h"
#include "plugins/common/control/stream_server.h"
#include "plugins/common/http/server.h"
#include "plugins/common/security/listener_security.h"
#include "plugins/rest-api/api_audit.h"
#include "plugins/rest-api/api_server.h"
#include "plugins/rest-api/config_schema.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/openapi_document.h"
#include "plugins/rest-api/settings.h"

namespace phpeek::rest {
namespace {

class RestApiPlugin : public phpeek::v1::Plugin {
 public:
  RestApiPlugin(phpeek::v1::Host host, const std::string& /*config_json*/)
      : Plugin(host), backend_(host) {
    std::string err;
    if (!LoadSettings(control::HostLookup(host), &settings_, &err)) {
      throw phpeek::v1::Error(PHPEEK_E_INVALID_ARGUMENT, err);
    }
    if (!security_.Load(security::HostJsonLookup(host), "api", &err)) {
      throw phpeek::v1::Error(PHPEEK_E_INVALID_ARGUMENT, "global." + err);
    }
    audit_ = settings_.audit;
  }

  phpeek::v1::Status start() override {
    if (!settings_.enabled) {
      host().info("api_enabled is false: the Management API is not served");
      return phpeek::v1::Status::Ok();
    }
    ApiOptions options;
    options.token = settings_.token;
    options.max_process_scale = settings_.max_process_scale;
    options.openapi_json = OpenApiDocument();
    options.reloaded = [this] { ApplySettings(); };
    control::StreamOptions streams;
    streams.max_streams = settings_.max_streams;
    streams.heartbeat = std::chrono::milliseconds(settings_.stream_heartbeat_ms);
    streams.queue_bytes = static_cast<size_t>(settings_.stream_queue_bytes);
    streams.lower_priority = true;  // as the HTTP server's threads (api_server.h)
    server_ = std::make_unique<control::StreamServer>(&backend_, streams);
    options.streams = server_->hub();
    api_ = std::make_unique<Api>(&backend_, std::move(options));
    http::ServerOptions server_options = ApiServerOptions(settings_);
    server_options.endpoints.front().make_transport = security_.TransportFactory();
    std::string err;
    if (!server_->Start(
            std::move(server_options), [this](const HttpRequest& r) { return Serve(r); }, host(),
            &err)) {
      return phpeek::v1::Status::Error(PHPEEK_E_INVALID_ARGUMENT, err);
    }
    LogListening();
    // Every event feeds GET /api/v1/events. A reload by SIGHUP (or by another plugin) reaches us
    // as an event; one through our own route applies the settings before it answers
    // (options.reloaded).
    return subscribeEvents(PHPEEK_EVENT_MASK_ALL);
  }

  void onEvent(const phpeek_event& ev) override {
    if (ev.type == PHPEEK_EVENT_CONFIG_RELOADED) ApplySettings();
    server_->Publish(ev);
  }

  phpeek::v1::Status stop() override {
    if (server_) server_->Stop();
    return phpeek::v1::Status::Ok();
  }

  static void validateConfig(const phpeek::v1::ConfigCheck& config) { ValidateConfig(config); }

 private:
  // The access list first (403 before anything else is looked at), then the API; with
  // audit_enabled, one line for what api_audit.h says.
  HttpResponse Serve(const HttpRequest& request) {
    std::string client;
    std::optional<HttpResponse> refused = security_.Screen(request, &client);
    HttpResponse response = refused ? std::move(*refused) : api_->Handle(request);
    if (audit_.load() && Audited(request, response.status)) {
      host().info(ApiAuditLine(request, client, response.status));
    }
    return response;
  }

  // After a reload: the new token and max_process_scale hold at once; where and how the API
  // listens is fixed until the daemon restarts, which the log says. Never logs a token.
  void ApplySettings() {
    std::lock_guard<std::mutex> lock(settings_mu_);
    Settings next;
    std::string err;
    if (!LoadSettings(control::HostLookup(host()), &next, &err)) {
      host().error("the reloaded settings are not applied: " + err);
      return;
    }
    if (next.token != settings_.token) {
      api_->SetToken(next.token);
      host().info(next.token ? "api_auth changed by reload: the new token is required from now on"
                             : "api_auth removed by reload: no token is required from now on");
      settings_.token = next.token;
    }
    audit_ = next.audit;
    std::string note;
    if (!security_.Reload(security::HostJsonLookup(host()), &err, &note)) {
      host().error(
          "the reloaded api_tls/api_acl are not applied (the previous ones stay): global." + err);
    } else if (!note.empty()) {
      host().warn(note);
    }
    if (next.max_process_scale != settings_.max_process_scale) {
      api_->SetMaxProcessScale(next.max_process_scale);
      settings_.max_process_scale = next.max_process_scale;
    }
    const std::pair<const char*, bool> fixed[] = {
        {"api_host", next.host == settings_.host},
        {"api_port", next.port == settings_.port},
        {"api_socket", next.socket_path == settings_.socket_path},
        {"api_max_request_body", next.max_request_body == settings_.max_request_body},
        {"api_enabled", next.enabled == settings_.enabled},
        {"api_max_streams", next.max_streams == settings_.max_streams},
        {"api_stream_heartbeat", next.stream_heartbeat_ms == settings_.stream_heartbeat_ms},
        {"api_stream_queue", next.stream_queue_bytes == settings_.stream_queue_bytes},
    };
    for (const auto& [key, same] : fixed) {
      if (!same) {
        host().warn(std::string("global.") + key +
                    " changed by reload: it takes effect only after a daemon restart (the API "
                    "keeps listening on " +
                    security_.scheme() + "://" + server_->addresses().front() + ")");
      }
    }
  }

  // The bound addresses, in a line tests and tools parse (api_port: 0 binds a free port).
  void LogListening() const {
    const std::vector<std::string> addresses = server_->addresses();
    std::string msg = std::string("Management API listening on ") + security_.scheme() + "://" +
                      addresses.front();
    if (addresses.size() > 1) msg += " and " + addresses[1];
    msg += settings_.token ? " (bearer token required)" : " (no authentication)";
    host().info(msg);
    if (!settings_.token && !control::IsLoopbackHost(settings_.host)) {
      host().warn("the Management API listens on " + settings_.host +
                  " WITHOUT authentication: anyone who can reach this address can stop and "
                  "start processes; set global.api_auth");
    }
  }

  control::HostBackend backend_;
  std::mutex settings_mu_;  // ApplySettings: HTTP workers and the event thread
  Settings settings_;
  security::ListenerSecurity security_;
  std::atomic<bool> audit_{false};
  std::unique_ptr<Api> api_;
  // Declared last, so destroyed first: its threads, which call api_, end before api_ does.
  std::unique_ptr<control::StreamServer> server_;
};

}  // namespace
}  // namespace phpeek::rest

// Its keys arrive in the normal form only from a host that knows the schema (ABI 1.1).
PHPEEK_DEFINE_PLUGIN_WITH_SCHEMA(phpeek::rest::RestApiPlugin, "rest-api", "0.1.0",
                                 "REST Management API (management-api.md)",
                                 phpeek::rest::kConfigKeys, 1)
