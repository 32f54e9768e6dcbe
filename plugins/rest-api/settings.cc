#include "plugins/rest-api/settings.h"

#include <charconv>

#include "phpeek/units.hpp"
#include "plugins/rest-api/auth.h"

namespace phpeek::rest {
namespace {

bool ParseInt(const std::string& text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty();
}

// Reads an integer key in [lo, hi]; leaves `out` alone when absent.
bool ReadInt(const GlobalLookup& lookup, const std::string& key, int64_t lo, int64_t hi,
             int64_t* out, std::string* err) {
  std::string text;
  if (!lookup(key, &text, err)) return err->empty();
  int64_t v = 0;
  if (!ParseInt(text, &v) || v < lo || v > hi) {
    *err = "global." + key + ": expected a whole number in " + std::to_string(lo) + ".." +
           std::to_string(hi) + ", got '" + text + "'";
    return false;
  }
  *out = v;
  return true;
}

bool ReadBool(const GlobalLookup& lookup, const std::string& key, bool* out, std::string* err) {
  std::string text;
  if (!lookup(key, &text, err)) return err->empty();
  if (text != "true" && text != "false") {
    *err = "global." + key + ": expected true or false, got '" + text + "'";
    return false;
  }
  *out = text == "true";
  return true;
}

bool ReadString(const GlobalLookup& lookup, const std::string& key, std::string* out, bool* present,
                std::string* err) {
  std::string text;
  *present = lookup(key, &text, err);
  if (!*present) return err->empty();
  *out = text;
  return true;
}

}  // namespace

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool LoadSettings(const GlobalLookup& lookup, Settings* out, std::string* err) {
  err->clear();
  int64_t port = out->port;
  int64_t scale = out->max_process_scale;
  int64_t streams = out->max_streams;
  bool present = false;
  if (!ReadBool(lookup, "api_enabled", &out->enabled, err) ||
      !ReadBool(lookup, "audit_enabled", &out->audit, err) ||
      !ReadString(lookup, "api_host", &out->host, &present, err) ||
      !ReadInt(lookup, "api_port", 0, 65535, &port, err) ||
      !ReadString(lookup, "api_socket", &out->socket_path, &present, err) ||
      !ReadInt(lookup, "max_process_scale", 0, 1000000, &scale, err) ||
      !ReadInt(lookup, "api_max_streams", 1, kMaxStreams, &streams, err) ||
      !ReadInt(lookup, "api_stream_heartbeat", 100, 3600000, &out->stream_heartbeat_ms, err) ||
      !ReadInt(lookup, "api_stream_queue", 4096, int64_t{64} << 20, &out->stream_queue_bytes,
               err)) {
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
  std::string token;
  if (!ReadString(lookup, "api_auth", &token, &present, err)) return false;
  if (present) {
    if (std::string problem = ValidateConfiguredToken(token); !problem.empty()) {
      *err = "global." + problem;
      return false;
    }
    out->token = token;
  }
  if (out->host.empty()) {
    *err = "global.api_host: must not be empty (use 127.0.0.1 to stay on loopback)";
    return false;
  }
  return true;
}

}  // namespace phpeek::rest
