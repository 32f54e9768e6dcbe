#include "tests/support/http_test_client.h"

#include <istream>
#include <sstream>

#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"

namespace phpeek::testing::http {

Reply Request(Poco::Net::HTTPClientSession& session, const std::string& method,
              const std::string& target, const std::string& body,
              const std::map<std::string, std::string>& headers) {
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (!body.empty() || method == "POST")
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  if (method != "HEAD") Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : response) reply.headers[k] = v;
  return reply;
}

Reply Request(int port, const std::string& method, const std::string& target,
              const std::string& body, const std::map<std::string, std::string>& headers) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  session.setTimeout(Poco::Timespan(10, 0));
  return Request(session, method, target, body, headers);
}

std::string RawExchange(int port, const std::string& bytes, int timeout_ms) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  char buffer[4096];
  try {
    for (;;) {
      const int n = socket.receiveBytes(buffer, sizeof(buffer));
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
  } catch (const Poco::Exception&) {  // timeout or reset: return what arrived
  }
  return out;
}

}  // namespace phpeek::testing::http
