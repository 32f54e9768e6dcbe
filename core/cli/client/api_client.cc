#include "core/cli/client/api_client.h"

#include <istream>
#include <memory>

#include "Poco/Exception.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/URI.h"

namespace phpeek::cli::client {
namespace {

constexpr int kTimeoutSeconds = 10;

std::unique_ptr<Poco::Net::HTTPClientSession> OpenSession(const std::string& url,
                                                          std::string* err) {
  if (url.rfind("unix:", 0) == 0) {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, url.substr(5)),
                   Poco::Timespan(kTimeoutSeconds, 0));
    return std::make_unique<Poco::Net::HTTPClientSession>(socket);
  }
  const Poco::URI uri(url);
  if (uri.getScheme() != "http" || uri.getHost().empty()) {
    *err = "unsupported API address '" + url + "': use http://HOST:PORT or unix:/PATH";
    return nullptr;
  }
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  session->setTimeout(Poco::Timespan(kTimeoutSeconds, 0));
  return session;
}

std::string Unreachable(const std::string& url, const std::string& why) {
  return "cannot reach the phpeek-pm daemon at " + url + " (" + why +
         "): is it running, with api_enabled? (address from --url, $PHPEEK_PM_API_URL or the "
         "configuration's api_host/api_port)";
}

}  // namespace

ApiReply CallApi(const ApiEndpoint& endpoint, const std::string& method, const std::string& path,
                 const std::string& body) {
  ApiReply reply;
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session = OpenSession(endpoint.url, &reply.error);
    if (!session) return reply;
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setHost("localhost");
    if (endpoint.token) request.set("Authorization", "Bearer " + *endpoint.token);
    if (method == "POST") {
      request.setContentType("application/json");
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session->sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session->receiveResponse(response);
    Poco::StreamCopier::copyToString(in, reply.body);
    reply.status = response.getStatus();
    reply.reached = true;
  } catch (const Poco::Net::ConnectionRefusedException&) {
    reply.error = Unreachable(endpoint.url, "connection refused");
  } catch (const Poco::TimeoutException&) {
    reply.error = Unreachable(endpoint.url, "timed out");
  } catch (const Poco::Exception& e) {
    reply.error = Unreachable(endpoint.url, e.displayText());
  }
  return reply;
}

}  // namespace phpeek::cli::client
