#include "plugins/metrics/http.h"

#include <fcntl.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

namespace phpeek::metrics {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

void SetCloseOnExec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  Handler(const HttpServer::ScrapeFn& scrape, const std::string& metrics_path)
      : scrape_(scrape), metrics_path_(metrics_path) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    // Accepted sockets are not close-on-exec either; narrow the window in which a child spawned
    // meanwhile could inherit one (the spawner also closes inherited descriptors).
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) {
      SetCloseOnExec(impl->socket().impl()->sockfd());
    }
    Send(req, resp, Route(req));
  }

 private:
  HttpResponse Route(const HTTPServerRequest& req) const {
    const std::string& method = req.getMethod();
    std::string path;
    try {
      path = Poco::URI(req.getURI()).getPath();
    } catch (const Poco::Exception&) {
      return {400, "text/plain; charset=utf-8", "malformed request target\n"};
    }
    if (path != metrics_path_ && path != "/health") {
      return {404, "text/plain; charset=utf-8", "not found; metrics are at " + metrics_path_ + "\n"};
    }
    if (method != "GET" && method != "HEAD") {
      return {405, "text/plain; charset=utf-8", "only GET and HEAD are allowed\n"};
    }
    if (path == "/health") return {200, "application/json", "{\"status\":\"healthy\"}\n"};
    return scrape_();
  }

  static void Send(const HTTPServerRequest& req, HTTPServerResponse& resp, const HttpResponse& r) {
    resp.setStatus(static_cast<HTTPResponse::HTTPStatus>(r.status));
    resp.setContentType(r.content_type);
    if (r.status == 405) resp.set("Allow", "GET, HEAD");
    resp.setContentLength(static_cast<std::streamsize>(r.body.size()));
    if (req.getMethod() == "HEAD") {
      resp.send();
    } else {
      resp.sendBuffer(r.body.data(), r.body.size());
    }
  }

  const HttpServer::ScrapeFn& scrape_;
  const std::string& metrics_path_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const HttpServer::ScrapeFn& scrape, const std::string& metrics_path)
      : scrape_(scrape), metrics_path_(metrics_path) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(scrape_, metrics_path_);
  }

 private:
  const HttpServer::ScrapeFn& scrape_;
  const std::string& metrics_path_;
};

}  // namespace

struct HttpServer::Impl {
  std::string metrics_path;
  std::unique_ptr<Poco::ThreadPool> pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

HttpServer::HttpServer(ScrapeFn scrape) : scrape_(std::move(scrape)) {}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Start(const HttpOptions& options, std::string* err) {
  const std::string where = options.host + ":" + std::to_string(options.port);
  try {
    auto impl = std::make_unique<Impl>();
    impl->metrics_path = options.metrics_path;
    const Poco::Net::SocketAddress address(options.host, static_cast<Poco::UInt16>(options.port));
    Poco::Net::ServerSocket socket;
    if (address.family() == Poco::Net::SocketAddress::IPv6) {
      socket.bind6(address, /*reuseAddress=*/true, /*reusePort=*/false, /*ipV6Only=*/true);
    } else {
      socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    }
    socket.listen(kMaxQueued);
    SetCloseOnExec(socket.impl()->sockfd());
    bound_port_ = socket.address().port();

    auto params = new Poco::Net::HTTPServerParams;  // owned by the server (AutoPtr)
    params->setMaxThreads(kMaxThreads);
    params->setMaxQueued(kMaxQueued);
    params->setTimeout(Poco::Timespan(5, 0));
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(100);
    impl->pool = std::make_unique<Poco::ThreadPool>(1, kMaxThreads);
    impl->server = std::make_unique<Poco::Net::HTTPServer>(
        new Factory(scrape_, impl->metrics_path), *impl->pool, socket, params);
    impl->server->start();
    impl_ = std::move(impl);
    return true;
  } catch (const Poco::Exception& e) {
    *err = "cannot listen on " + where + ": " + e.displayText();
  } catch (const std::exception& e) {
    *err = "cannot listen on " + where + ": " + e.what();
  }
  return false;
}

void HttpServer::Stop() {
  if (!impl_) return;
  impl_->server->stopAll(/*abortCurrent=*/true);  // joins the acceptor, closes open connections
  impl_->pool->joinAll();                          // waits for running handlers to finish
  impl_->server.reset();
  impl_->pool->stopAll();  // ends and joins the idle pool threads
  impl_.reset();
}

}  // namespace phpeek::metrics
