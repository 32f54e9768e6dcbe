#include "core/cli/client/api_client.h"

#include "core/cli/client/http_client.h"
#include "phpeek/json.hpp"

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
  address.tls_files = endpoint.tls;
  HttpRequest request;
  request.method = method;
  request.target = path;
  request.body = body;
  request.bearer_token = endpoint.token;
  return ReplyFrom(endpoint, HttpExchange(address, request));
}

ApiReply ReplyFrom(const ApiEndpoint& endpoint, HttpResult result) {
  ApiReply reply;
  if (!result.answered) {
    if (result.client_unable) {
      reply.error = result.error;
    } else if (result.connected) {
      reply.error =
          "no usable answer from the phpeek-pm daemon at " + endpoint.url + ": " + result.error;
    } else {
      reply.error = Unreachable(endpoint.url, result.error);
    }
    return reply;
  }
  reply.reached = true;
  reply.status = result.response.status;
  reply.body = std::move(result.response.body);
  return reply;
}

std::string ErrorText(const std::string& body) {
  json::Document doc;
  if (!doc.Parse(body) || !doc.root().is_object()) return body;
  std::string text(doc.root()["error"].AsString().value_or(body));
  if (const std::string_view detail = doc.root()["detail"].AsString().value_or("");
      !detail.empty()) {
    text += ": " + std::string(detail);
  }
  return text;
}

bool CheckReply(const ApiReply& reply, int expected, const ApiEndpoint& endpoint,
                const std::string& name, std::string* err) {
  if (!reply.reached) {
    *err = reply.error;
    return false;
  }
  if (reply.status == expected) return true;
  if (reply.status == 401) {
    *err = endpoint.token ? "unauthorized: the daemon rejected the token (check --token, "
                            "$PHPEEK_PM_API_TOKEN or the configuration's api_auth)"
                          : "unauthorized: the daemon requires a bearer token (give --token, "
                            "set $PHPEEK_PM_API_TOKEN, or read api_auth from the configuration "
                            "with -c)";
  } else if (reply.status == 404 && !name.empty()) {
    *err = "no such process '" + name + "'";
  } else {
    *err = "the daemon answered " + std::to_string(reply.status) + ": " + ErrorText(reply.body);
  }
  return false;
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
