// The plugin's settings, read from the shared `global:` block (configuration.md): api_enabled,
// api_host, api_port, api_socket, api_auth, api_max_request_body, max_process_scale, and the
// SSE streams' api_max_streams, api_stream_heartbeat and api_stream_queue, and audit_enabled
// (api_tls and api_acl: plugins/common/security/listener_security.h). Values arrive as text
// through the host's config_get_string (durations in milliseconds, sizes in bytes: the normal
// form); absent keys take the documented defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "plugins/common/control/global_settings.h"

namespace phpeek::rest {

// The most SSE streams api_max_streams allows: the API serves at most 128 connections
// (api_server.h), and plain requests keep the rest.
inline constexpr int kMaxStreams = 100;

struct Settings {
  bool enabled = true;
  std::string host = "127.0.0.1";
  int port = 9180;
  std::string socket_path;
  std::optional<std::string> token;
  int64_t max_request_body = 65536;
  int max_process_scale = 100;
  int max_streams = 64;
  int64_t stream_heartbeat_ms = 15000;
  int64_t stream_queue_bytes = 1024 * 1024;
  bool audit = false;  // audit_enabled
};

// Reads and checks every setting. Returns false with a message naming the key on bad values.
bool LoadSettings(const control::GlobalLookup& lookup, Settings* out, std::string* err);

}  // namespace phpeek::rest
