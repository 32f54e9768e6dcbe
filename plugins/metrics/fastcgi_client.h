// A FastCGI client for short GET requests (php-fpm's status page): many requests at once on
// non-blocking sockets, under one deadline for the whole batch, so that a scrape that asks N
// pools waits at most `timeout` however many of them hang. Records: fastcgi_protocol.h.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace phpeek::metrics::fastcgi {

// Where to connect: "host:port" with a numeric IPv4 or IPv6 host ("[::1]:9000"), or
// "unix:/absolute/path".
struct Endpoint {
  sockaddr_storage addr{};
  socklen_t length = 0;
};
bool ParseEndpoint(std::string_view address, Endpoint* out, std::string* err);

struct Request {
  std::string address;  // as ParseEndpoint reads it
  std::string path;     // SCRIPT_NAME
  std::string query;    // QUERY_STRING
};

struct Result {
  bool ok = false;     // a whole answer, ended by END_REQUEST with status REQUEST_COMPLETE
  std::string error;   // why not, when !ok: "cannot connect: Connection refused", "timed out", ...
  std::string output;  // STDOUT: the CGI response (headers, blank line, body)
  std::string errors;  // the first bytes of STDERR (php-fpm: "Primary script unknown", ...)
};

struct FetchLimits {
  std::chrono::milliseconds timeout{1000};  // for the whole batch, from the call
  size_t max_answer = 64 * 1024;            // STDOUT + STDERR bytes per answer
  size_t max_open = 64;                     // connections open at once
};

// Runs `requests`, at most `max_open` at a time, until each has its answer, failed, or the
// deadline passed. Results are in the order of `requests`. Never throws for network errors.
std::vector<Result> FetchAll(const std::vector<Request>& requests, const FetchLimits& limits);

}  // namespace phpeek::metrics::fastcgi
