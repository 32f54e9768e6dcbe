// Minimal HTTP helpers for tests of the daemon's HTTP listeners: one request over a fresh Poco
// session, a request over a caller-kept session (keep-alive), and raw bytes over a socket for
// malformed requests.
#pragma once

#include <map>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
}

namespace phpeek::testing::http {

struct Reply {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
};

Reply Request(Poco::Net::HTTPClientSession& session, const std::string& method,
              const std::string& target, const std::string& body = "",
              const std::map<std::string, std::string>& headers = {});
Reply Request(int port, const std::string& method, const std::string& target,
              const std::string& body = "", const std::map<std::string, std::string>& headers = {});

// Sends `bytes` as they are and returns everything the server answers before closing (or
// until `timeout_ms`).
std::string RawExchange(int port, const std::string& bytes, int timeout_ms = 5000);

}  // namespace phpeek::testing::http
