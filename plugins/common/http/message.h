// The plain values a server and its handler exchange: a complete request in, a response out. No
// socket is needed to make or read them, so handlers are tested without one.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::http {

class ResponseStream;

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  // As sent ("GET", "POST", ...), except HEAD: the server answers HEAD itself with the headers of
  // the GET answer and no body (RFC 9110 section 9.3.2), so a handler sees "GET" and `head` set.
  std::string method;
  bool head = false;
  std::string target;  // the request-target as sent: "/path?query", or absolute-form
  HeaderList fields;   // the header fields in order, names as sent, values without outer spaces
  std::string body;    // de-chunked
  // The client's address as the connection saw it ("127.0.0.1", "::1"); "" over a Unix socket.
  std::string peer;
  // When the request had arrived whole (the server's steady clock).
  std::chrono::steady_clock::time_point received{};

  // The value of the first field named `name` (case-insensitive), or nullptr.
  const std::string* Field(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;  // no Content-Type header when empty
  std::string body;          // sent unless the request was HEAD; Content-Length is its size
  HeaderList headers;        // besides Date, Content-Type, Content-Length and Connection
  // Set: a streaming answer (response_stream.h). The head goes out without Content-Length and
  // with "Connection: close", `body` is ignored, and the stream's bytes follow until it ends.
  std::shared_ptr<ResponseStream> stream = nullptr;
};

// Runs on a worker thread for each complete request; many run at once when the server has more
// than one worker. An exception answers 500 and closes the connection.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

// The path of a request-target without its query: "/a/b" for "/a/b?x=1", also for the
// absolute-form "http://host/a/b?x=1" (RFC 9112 section 3.2.2: a server must accept it); "" for
// anything else ("*", authority-form). Not percent-decoded.
std::string_view TargetPath(std::string_view target);

// ASCII case-insensitive equality, as header field names and tokens compare.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace phpeek::http
