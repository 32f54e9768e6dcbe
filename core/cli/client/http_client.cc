#include "core/cli/client/http_client.h"

#include <strings.h>

#include <algorithm>
#include <charconv>

#include "core/cli/client/http_connection.h"
#include "core/cli/client/tls_module.h"

namespace phpeek::cli::client {
namespace {

constexpr std::string_view kUsage = ": use http://HOST:PORT, https://HOST:PORT or unix:/PATH";

bool HasControlOrSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// "host[:port]" or "[v6][:port]" into `out`.
bool ParseAuthority(std::string_view authority, std::string_view default_port, HttpAddress* out,
                    std::string* why) {
  size_t host_end = authority.find(':');
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    host_end = close == std::string_view::npos ? authority.size() : close + 1;
    if (close == std::string_view::npos ||
        (host_end < authority.size() && authority[host_end] != ':')) {
      *why = "malformed [IPv6] host";
      return false;
    }
    out->host = authority.substr(1, close - 1);
  } else {
    out->host = authority.substr(0, host_end);
  }
  const std::string_view port =
      host_end >= authority.size() ? default_port : authority.substr(host_end + 1);
  int value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (out->host.empty() || HasControlOrSpace(out->host)) {
    *why = "no host";
  } else if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value < 1 ||
             value > 65535) {
    *why = "the port must be a number from 1 to 65535";
  } else {
    out->port = std::to_string(value);
    return true;
  }
  return false;
}

std::string RequestText(const HttpAddress& address, const HttpRequest& r) {
  std::string text = r.method + " " + r.target + " HTTP/1.1\r\nHost: " + address.HostHeader() +
                     "\r\nAccept: " + r.accept + "\r\nConnection: close\r\n";
  if (r.bearer_token) text += "Authorization: Bearer " + *r.bearer_token + "\r\n";
  for (const auto& [name, value] : r.headers) text += name + ": " + value + "\r\n";
  if (r.method != "GET" || !r.body.empty()) {
    text += "Content-Type: " + r.content_type +
            "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n";
  }
  return text + "\r\n" + r.body;
}

// Header injection guard: the request line and header values must be single tokens or lines.
bool CheckRequest(const HttpRequest& r, std::string* why) {
  if (r.method.empty() || HasControlOrSpace(r.method) || r.target.empty() ||
      r.target.front() != '/' || HasControlOrSpace(r.target)) {
    *why = "invalid request line";
  } else if (r.bearer_token && HasControlOrSpace(*r.bearer_token)) {
    *why = "the token contains spaces or control characters";
  } else if (HasControlOrSpace(r.accept) ||
             std::any_of(r.headers.begin(), r.headers.end(), [](const auto& h) {
               return h.first.empty() || HasControlOrSpace(h.first) || HasControlOrSpace(h.second);
             })) {
    *why = "a header field contains spaces or control characters";
  } else {
    return true;
  }
  return false;
}

void ReadAnswer(Connection* c, Connection::Deadline deadline, const HttpOptions& options,
                HttpResult* result) {
  ResponseParser parser(options.max_body);
  char buffer[16384];
  for (;;) {
    size_t n = 0;
    if (c->Receive(buffer, sizeof(buffer), deadline, &n, &result->error) !=
        Connection::Status::kOk) {
      return;
    }
    const auto progress = n == 0 ? parser.Finish() : parser.Feed(std::string_view(buffer, n));
    if (progress == ResponseParser::Progress::kComplete) {
      result->answered = true;
      result->response = parser.TakeResponse();
      return;
    }
    if (progress == ResponseParser::Progress::kError) {
      result->error = parser.error();
      return;
    }
  }
}

// Connects and sends `request`; false with result->error when that fails.
bool Send(Connection* c, const HttpAddress& address, const HttpRequest& request,
          Connection::Deadline deadline, HttpResult* result) {
  if (!CheckRequest(request, &result->error)) return false;
  // Before connecting: a missing TLS module is this installation's fault, not the daemon's.
  if (address.tls && TlsClientModule(&result->error) == nullptr) {
    result->client_unable = true;
    return false;
  }
  const Connection::Status connected =
      address.unix_path.empty()
          ? c->ConnectTcp(address.host, address.port, deadline, &result->error)
          : c->ConnectUnix(address.unix_path, deadline, &result->error);
  if (connected != Connection::Status::kOk) return false;
  result->connected = true;
  if (address.tls && c->StartTls(address.host, address.tls_files, deadline, &result->error) !=
                         Connection::Status::kOk) {
    return false;
  }
  return c->SendAll(RequestText(address, request), deadline, &result->error) ==
         Connection::Status::kOk;
}

}  // namespace

std::string HttpAddress::HostHeader() const {
  if (!unix_path.empty()) return "localhost";
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + port;
}

bool ParseHttpAddress(std::string_view url, HttpAddress* out, std::string* err) {
  *out = HttpAddress{};
  std::string why;
  if (url.substr(0, 5) == "unix:") {
    out->unix_path = url.substr(5);
    if (!out->unix_path.empty()) return true;
    why = "no socket path";
  } else if ((url.size() < 7 || ::strncasecmp(url.data(), "http://", 7) != 0) &&
             (url.size() < 8 || ::strncasecmp(url.data(), "https://", 8) != 0)) {
    why = "unsupported scheme";
  } else {
    out->tls = ::strncasecmp(url.data(), "https://", 8) == 0;
    std::string_view rest = url.substr(out->tls ? 8 : 7);
    const size_t end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, end);
    const std::string_view path = end == std::string_view::npos ? "" : rest.substr(end);
    if (authority.find('@') != std::string_view::npos) {
      why = "user names are not supported";
    } else if (path.find_first_not_of('/') != std::string_view::npos) {
      why = "a path, query or fragment is not supported";
    } else if (ParseAuthority(authority, out->tls ? "443" : "80", out, &why)) {
      return true;
    }
  }
  *err = "unsupported API address '" + std::string(url) + "' (" + why + ")" + std::string(kUsage);
  return false;
}

HttpResult HttpExchange(const HttpAddress& address, const HttpRequest& request,
                        const HttpOptions& options) {
  HttpResult result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  Connection c;
  if (Send(&c, address, request, deadline, &result)) ReadAnswer(&c, deadline, options, &result);
  return result;
}

bool HttpStream::Open(const HttpAddress& address, const HttpRequest& request,
                      const HttpOptions& options, HttpResult* result) {
  parser_ = ResponseParser(options.max_body);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  if (!Send(&connection_, address, request, deadline, result)) return false;
  char buffer[16384];
  for (;;) {
    size_t n = 0;
    if (connection_.Receive(buffer, sizeof(buffer), deadline, &n, &result->error) !=
        Connection::Status::kOk) {
      return false;
    }
    const auto progress = n == 0 ? parser_.Finish() : parser_.Feed(std::string_view(buffer, n));
    if (progress == ResponseParser::Progress::kError) {
      result->error = parser_.error();
      return false;
    }
    if (progress == ResponseParser::Progress::kComplete) {  // a framed (error) answer, whole
      result->answered = true;
      result->response = parser_.TakeResponse();
      ended_ = true;
      return true;
    }
    if (!parser_.head_complete()) continue;
    const std::string* type = parser_.response().Header("Content-Type");
    stream_ = parser_.response().status == 200 && type != nullptr &&
              type->rfind("text/event-stream", 0) == 0;
    if (stream_) {
      result->answered = true;
      result->response.status = parser_.response().status;
      result->response.headers = parser_.response().headers;
      return true;
    }
  }
}

HttpStream::ReadStatus HttpStream::Read(std::chrono::milliseconds wait, std::string* out,
                                        std::string* why) {
  std::string taken = parser_.TakeBody();  // what came with the head, or before a framed end
  if (!taken.empty()) {
    *out += taken;
    return ReadStatus::kData;
  }
  if (ended_) return ReadStatus::kEnd;
  char buffer[16384];
  size_t n = 0;
  switch (connection_.Receive(buffer, sizeof(buffer), std::chrono::steady_clock::now() + wait, &n,
                              why)) {
    case Connection::Status::kOk:
      break;
    case Connection::Status::kTimedOut:
      return ReadStatus::kIdle;
    default:
      return ReadStatus::kFailed;
  }
  const auto progress = n == 0 ? parser_.Finish() : parser_.Feed(std::string_view(buffer, n));
  taken = parser_.TakeBody();
  *out += taken;
  if (progress == ResponseParser::Progress::kError) {
    *why = parser_.error();
    return ReadStatus::kFailed;
  }
  if (progress == ResponseParser::Progress::kComplete) ended_ = true;
  if (!taken.empty()) return ReadStatus::kData;
  return ended_ ? ReadStatus::kEnd : ReadStatus::kIdle;
}

}  // namespace phpeek::cli::client
