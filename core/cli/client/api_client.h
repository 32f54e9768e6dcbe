// One HTTP exchange with the daemon's Management API, over TCP ("http://host:port") or a Unix
// socket ("unix:/path"). Poco stays inside api_client.cc.
#pragma once

#include <string>

#include "core/cli/client/api_endpoint.h"

namespace phpeek::cli::client {

struct ApiReply {
  bool reached = false;  // false: no HTTP answer at all (see error)
  int status = 0;
  std::string body;
  std::string error;  // transport failure, phrased for the user
};

ApiReply CallApi(const ApiEndpoint& endpoint, const std::string& method, const std::string& path,
                 const std::string& body = "");

}  // namespace phpeek::cli::client
