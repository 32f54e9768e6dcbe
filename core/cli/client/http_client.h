// A minimal HTTP/1.1 client for the Management API: one request per connection (Connection:
// close), over TCP (plain or TLS: tls_session.h) or a Unix socket, with one deadline for the whole
// exchange and a bounded answer; or, for a Server-Sent Events route, a stream whose head has that
// deadline and whose body is read as it comes (HttpStream).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/cli/client/http_connection.h"
#include "core/cli/client/http_response.h"

namespace phpeek::cli::client {

struct HttpAddress {
  std::string host;          // TCP: a name or an address (IPv6 without brackets)
  std::string port;          // TCP: decimal, "80" when the URL gives none
  std::string unix_path;     // set: a Unix socket instead of TCP
  bool tls = false;          // https://
  TlsClientFiles tls_files;  // for https://: what to trust, and a client certificate

  // The Host header's value: "host:port", "[v6]:port", or "localhost" for a Unix socket.
  std::string HostHeader() const;
};

// "http://HOST[:PORT][/]", "https://HOST[:PORT][/]" (HOST a name, an IPv4 address or a bracketed
// IPv6 address; the port 80 or 443 when none is given) or "unix:/PATH". Paths, queries, user
// names and other schemes are refused with a message. tls_files is left empty.
bool ParseHttpAddress(std::string_view url, HttpAddress* out, std::string* err);

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // origin-form: "/api/v1/processes"
  std::string body;          // sent with Content-Length on anything but GET, or when non-empty
  std::string content_type = "application/json";
  std::string accept = "application/json";
  std::optional<std::string> bearer_token;
  std::vector<std::pair<std::string, std::string>> headers;  // more fields (Last-Event-ID: 42)
};

struct HttpOptions {
  std::chrono::milliseconds timeout{10000};  // connect + send + whole answer
  size_t max_body = size_t{16} << 20;
};

struct HttpResult {
  bool answered = false;   // a complete response arrived (any status)
  bool connected = false;  // the connection was made (false: refused, unreachable, ...)
  // Nothing was tried: this client cannot speak the URL here (https:// without its TLS module).
  bool client_unable = false;
  HttpResponse response;
  std::string error;  // !answered: what went wrong ("connection refused", "timed out ...")
};

HttpResult HttpExchange(const HttpAddress& address, const HttpRequest& request,
                        const HttpOptions& options = {});

// One streaming exchange: connect, send, and read the head within options.timeout; then the body
// as it arrives, for as long as the server sends it.
class HttpStream {
 public:
  // False with result->error when no head arrived. Otherwise result->response has the status
  // and headers; an answer that is not text/event-stream (an error, say) is read whole (within
  // the same deadline), its body in result->response.body, and is_stream() is false.
  bool Open(const HttpAddress& address, const HttpRequest& request, const HttpOptions& options,
            HttpResult* result);
  bool is_stream() const { return stream_; }

  enum class ReadStatus { kData, kIdle, kEnd, kFailed };
  // Waits up to `wait` for body bytes and appends them to `out`. kEnd: the server closed the
  // stream; kFailed: a reset or a framing error (`why` says which).
  ReadStatus Read(std::chrono::milliseconds wait, std::string* out, std::string* why);

 private:
  Connection connection_;
  ResponseParser parser_{size_t{16} << 20};
  bool stream_ = false;
  bool ended_ = false;
};

}  // namespace phpeek::cli::client
