#include "plugins/rest-api/settings.h"

#include "phpeek/units.hpp"

namespace phpeek::rest {

bool LoadSettings(const control::GlobalLookup& lookup, Settings* out, std::string* err) {
  err->clear();
  int64_t port = out->port;
  int64_t scale = out->max_process_scale;
  int64_t streams = out->max_streams;
  bool present = false;
  if (!control::ReadBoolSetting(lookup, "api_enabled", &out->enabled, err) ||
      !control::ReadBoolSetting(lookup, "audit_enabled", &out->audit, err) ||
      !control::ReadStringSetting(lookup, "api_host", &out->host, &present, err) ||
      !control::ReadIntSetting(lookup, "api_port", 0, 65535, &port, err) ||
      !control::ReadStringSetting(lookup, "api_socket", &out->socket_path, &present, err) ||
      !control::ReadIntSetting(lookup, "max_process_scale", 0, 1000000, &scale, err) ||
      !control::ReadIntSetting(lookup, "api_max_streams", 1, kMaxStreams, &streams, err) ||
      !control::ReadIntSetting(lookup, "api_stream_heartbeat", 100, 3600000,
                               &out->stream_heartbeat_ms, err) ||
      !control::ReadIntSetting(lookup, "api_stream_queue", 4096, int64_t{64} << 20,
                               &out->stream_queue_bytes, err)) {
    return false;
  }
  out->port = static_cast<int>(port);
  out->max_process_scale = static_cast<int>(scale);
  out->max_streams = static_cast<int>(streams);
  std::string text;
  if (lookup("api_max_request_body", &text, err)) {
    // The host has normalized the declared BYTES key to a number; a bare lookup (tests, an old
    // host) may still hold the written form, which the SDK's parser reads.
    if (!phpeek::v1::ParseByteSize(text, &out->max_request_body, nullptr) ||
        out->max_request_body < 1) {
      *err =
          "global.api_max_request_body: expected a size such as 65536 or 64KiB, got '" + text + "'";
      return false;
    }
  } else if (!err->empty()) {
    return false;
  }
  if (!control::ReadTokenSetting(lookup, &out->token, err)) return false;
  if (out->host.empty()) {
    *err = "global.api_host: must not be empty (use 127.0.0.1 to stay on loopback)";
    return false;
  }
  return true;
}

}  // namespace phpeek::rest
