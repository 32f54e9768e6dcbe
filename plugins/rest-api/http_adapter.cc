#include "plugins/rest-api/http_adapter.h"

#include <chrono>
#include <istream>
#include <sstream>
#include <string>
#include <utility>

#include "Poco/Exception.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Timespan.h"

namespace phpeek::rest {

const char kOverloadBody[] = "{\"error\":\"too many connections, try again\"}";

namespace {

using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// The socket of the request's connection.
Poco::Net::StreamSocket& SocketOf(HTTPServerRequest& request) {
  return static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
}

// Writes the status line, the headers and the body in one send. Poco's response stream writes the
// headers, then the body in 4 KB pieces: four TCP segments, four wakeups of the client, for the
// ~9 KB process list. On a send error or timeout the connection is closed after this request.
void Send(const HttpResponse& out, HTTPServerRequest& request, HTTPServerResponse& response) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  for (const auto& [name, value] : out.headers) response.set(name, value);
  response.set("Cache-Control", "no-store");
  response.setContentType("application/json");
  response.setContentLength(static_cast<std::streamsize>(out.body.size()));
  std::ostringstream head;
  response.write(head);
  std::string wire = std::move(head).str();
  // HEAD: headers only; Content-Length says what GET would send.
  if (request.getMethod() != "HEAD") wire += out.body;
  try {
    Poco::Net::StreamSocket& socket = SocketOf(request);
    for (size_t sent = 0; sent < wire.size();) {
      const int n = socket.sendBytes(wire.data() + sent, static_cast<int>(wire.size() - sent));
      if (n <= 0) throw Poco::IOException("connection closed while sending");
      sent += static_cast<size_t>(n);
    }
  } catch (const Poco::Exception&) {
    response.setKeepAlive(false);
  }
}

class ApiHandler : public Poco::Net::HTTPRequestHandler {
 public:
  ApiHandler(const RequestHandler* handler, int64_t max_body)
      : handler_(handler), max_body_(max_body) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    HttpRequest in;
    in.method = request.getMethod();
    in.target = request.getURI();
    in.has_authorization = request.has("Authorization");
    if (in.has_authorization) in.authorization = request.get("Authorization");
    HttpResponse error;
    if (!ReadBody(request, &in.body, &error)) {
      // The rest of the body is unread: the connection cannot carry another request.
      response.setKeepAlive(false);
      Send(error, request, response);
      Drain(request);
      return;
    }
    Send((*handler_)(in), request, response);
  }

 private:
  bool ReadBody(HTTPServerRequest& request, std::string* body, HttpResponse* error) {
    const std::string too_large =
        "{\"error\":\"request body too large: at most " + std::to_string(max_body_) + " bytes\"}";
    if (request.hasContentLength() && request.getContentLength64() > max_body_) {
      *error = HttpResponse{413, too_large, {}};
      return false;
    }
    try {
      std::istream& in = request.stream();
      char buffer[8192];
      while (in.read(buffer, sizeof(buffer)) || in.gcount() > 0) {
        body->append(buffer, static_cast<size_t>(in.gcount()));
        if (static_cast<int64_t>(body->size()) > max_body_) {
          *error = HttpResponse{413, too_large, {}};
          return false;
        }
      }
    } catch (const Poco::Exception&) {
      *error = HttpResponse{408, "{\"error\":\"request body not received in time\"}", {}};
      return false;
    }
    return true;
  }

  // Reads and discards what the client is still sending (bounded), so that closing the socket
  // does not reset the connection before the client has read the error answer.
  // A client that declared a huge body but sends nothing only costs kDrainPause.
  static void Drain(HTTPServerRequest& request) {
    constexpr int64_t kDrainLimit = int64_t{16} << 20;
    const Poco::Timespan kDrainPause(0, 500000);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    try {
      SocketOf(request).setReceiveTimeout(kDrainPause);
      std::istream& in = request.stream();
      char buffer[16384];
      int64_t drained = 0;
      while (drained < kDrainLimit && std::chrono::steady_clock::now() < deadline &&
             (in.read(buffer, sizeof(buffer)) || in.gcount() > 0)) {
        drained += in.gcount();
      }
    } catch (const Poco::Exception&) {  // timeout or reset: nothing more to do
    }
  }

  const RequestHandler* handler_;
  int64_t max_body_;
};

class ApiHandlerFactory : public StoppableFactory {
 public:
  ApiHandlerFactory(const RequestHandler* handler, int64_t max_body)
      : handler_(handler), max_body_(max_body) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new ApiHandler(handler_, max_body_);
  }

 private:
  const RequestHandler* handler_;
  int64_t max_body_;
};

class OverloadHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    response.setKeepAlive(false);
    response.set("Retry-After", "1");
    Send(HttpResponse{503, kOverloadBody, {}}, request, response);
  }
};

class OverloadHandlerFactory : public StoppableFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new OverloadHandler;
  }
};

}  // namespace

StoppableFactory* NewApiHandlerFactory(const RequestHandler* handler, int64_t max_request_body) {
  return new ApiHandlerFactory(handler, max_request_body);
}

StoppableFactory* NewOverloadHandlerFactory() {
  return new OverloadHandlerFactory;
}

}  // namespace phpeek::rest
