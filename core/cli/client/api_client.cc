#include "core/cli/client/api_client.h"

#include "core/cli/client/http_client.h"

namespace phpeek::cli::client {
namespace {

std::string Unreachable(const std::string& url, const std::string& why) {
  return "cannot reach the phpeek-pm daemon at " + url + " (" + why +
         "): is it running, with api_enabled? (address from --url, $PHPEEK_PM_API_URL or the "
         "configuration's api_host/api_port/api_socket)";
}

}  // namespace

ApiReply CallApi(const ApiEndpoint& endpoint, const std::string& method, const std::string& path,
                 const std::string& body) {
  ApiReply reply;
  HttpAddress address;
  if (!ParseHttpAddress(endpoint.url, &address, &reply.error)) return reply;
  HttpRequest request;
  request.method = method;
  request.target = path;
  request.body = body;
  request.bearer_token = endpoint.token;
  HttpResult result = HttpExchange(address, request);
  if (!result.answered) {
    reply.error = result.connected ? "no usable answer from the phpeek-pm daemon at " +
                                         endpoint.url + ": " + result.error
                                   : Unreachable(endpoint.url, result.error);
    return reply;
  }
  reply.reached = true;
  reply.status = result.response.status;
  reply.body = std::move(result.response.body);
  return reply;
}

std::string EncodePathSegment(std::string_view segment) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : segment) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[b >> 4], kHex[b & 15]};
    }
  }
  return out;
}

}  // namespace phpeek::cli::client
