#include "plugins/rest-api/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "Poco/Exception.h"
#include "Poco/Net/HTTPServerConnection.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Net/TCPServerConnectionFactory.h"
#include "Poco/Net/TCPServerDispatcher.h"
#include "Poco/ThreadPool.h"
#include "phpeek/plugin_abi.h"
#include "plugins/rest-api/http_adapter.h"
#include "plugins/rest-api/listener.h"
#include "plugins/rest-api/worker_priority.h"

namespace phpeek::rest {
namespace {

constexpr int kMaxQueued = 64;
constexpr int kIdleThreadSeconds = 60;

// An HTTP connection that keeps the server's count of open connections.
class CountedConnection : public Poco::Net::HTTPServerConnection {
 public:
  CountedConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr factory, std::atomic<int>* active)
      : HTTPServerConnection(socket, params, factory), active_(active) {}
  ~CountedConnection() override { active_->fetch_sub(1); }

 private:
  std::atomic<int>* active_;
};

// Chooses, per connection, between serving it and answering 503.
class ConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  ConnectionFactory(int limit, std::atomic<int>* active, Poco::Net::HTTPServerParams::Ptr params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr api,
                    Poco::Net::HTTPServerParams::Ptr overload_params,
                    Poco::Net::HTTPRequestHandlerFactory::Ptr overload)
      : limit_(limit), active_(active), params_(params), api_(api),
        overload_params_(overload_params), overload_(overload) {}

  // Runs on the pool thread that will serve the connection.
  Poco::Net::TCPServerConnection* createConnection(
      const Poco::Net::StreamSocket& socket) override {
    LowerWorkerPriority();
    if (active_->fetch_add(1) >= limit_) {
      return new CountedConnection(socket, overload_params_, overload_, active_);
    }
    return new CountedConnection(socket, params_, api_, active_);
  }

 private:
  int limit_;
  std::atomic<int>* active_;
  Poco::Net::HTTPServerParams::Ptr params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr api_;
  Poco::Net::HTTPServerParams::Ptr overload_params_;
  Poco::Net::HTTPRequestHandlerFactory::Ptr overload_;
};

Poco::Timespan ToTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

// Last resort when every thread is busy and the queue is full: a canned 503, written without
// blocking, then close.
void RejectNow(Poco::Net::StreamSocket& socket) {
  static const std::string response =
      std::string("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                  "Retry-After: 1\r\nConnection: close\r\nContent-Length: ") +
      std::to_string(std::strlen(kOverloadBody)) + "\r\n\r\n" + kOverloadBody;
  const int fd = socket.impl()->sockfd();
  (void)::send(fd, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::shutdown(fd, SHUT_WR);
  socket.close();
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  RequestHandler handler;
  ServerLog log;

  std::vector<Poco::Net::ServerSocket> listeners;
  bool unlink_socket = false;
  int wake_fd = -1;
  std::atomic<int> active{0};
  std::unique_ptr<Poco::ThreadPool> pool;
  Poco::Net::TCPServerDispatcher* dispatcher = nullptr;
  StoppableFactory* api_notifier = nullptr;  // owned through api_factory
  StoppableFactory* overload_notifier = nullptr;
  Poco::Net::HTTPRequestHandlerFactory::Ptr api_factory;
  Poco::Net::HTTPRequestHandlerFactory::Ptr overload_factory;
  std::thread acceptor;
  bool started = false;

  bool Listen(std::string* err);
  void StartDispatcher();
  void AcceptLoop();
  void AcceptFrom(Poco::Net::ServerSocket& listener);
  void CloseListeners();
};

bool Server::Impl::Listen(std::string* err) {
  Poco::Net::ServerSocket tcp;
  if (!ListenTcp(options.host, options.port, &tcp, err)) return false;
  listeners.push_back(tcp);
  if (!options.socket_path.empty()) {
    Poco::Net::ServerSocket unix_socket;
    if (!ListenUnix(options.socket_path, &unix_socket, err)) {
      CloseListeners();
      return false;
    }
    listeners.push_back(unix_socket);
    unlink_socket = true;
  }
  return true;
}

void Server::Impl::StartDispatcher() {
  const int threads = options.max_connections + options.overload_threads;
  pool = std::make_unique<Poco::ThreadPool>(1, threads, kIdleThreadSeconds);
  Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(threads);
  params->setMaxQueued(kMaxQueued);
  params->setThreadIdleTime(Poco::Timespan(kIdleThreadSeconds, 0));
  params->setTimeout(ToTimespan(options.request_timeout));
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(ToTimespan(options.keep_alive_timeout));
  params->setServerName("phpeek-pm");
  Poco::Net::HTTPServerParams::Ptr overload_params = new Poco::Net::HTTPServerParams;
  overload_params->setKeepAlive(false);
  overload_params->setTimeout(Poco::Timespan(1, 0));
  api_notifier = NewApiHandlerFactory(&handler, options.max_request_body);
  overload_notifier = NewOverloadHandlerFactory();
  api_factory = api_notifier;
  overload_factory = overload_notifier;
  Poco::Net::TCPServerConnectionFactory::Ptr factory = new ConnectionFactory(
      options.max_connections, &active, params, api_factory, overload_params, overload_factory);
  dispatcher = new Poco::Net::TCPServerDispatcher(factory, *pool, params);
}

void Server::Impl::AcceptFrom(Poco::Net::ServerSocket& listener) {
  for (;;) {  // drain every pending connection (the listener is non-blocking)
    Poco::Net::StreamSocket socket;
    try {
      socket = listener.acceptConnection();
    } catch (const Poco::Exception& e) {
      if (e.code() != EAGAIN && e.code() != EWOULDBLOCK && e.code() != EINTR) {
        log(PHPEEK_LOG_WARN, "accept failed: " + e.displayText());
      }
      return;
    }
    SetCloseOnExec(socket.impl()->sockfd());
    // Poco writes the headers and the body separately: with Nagle the body waits for the
    // client's delayed ACK (40 ms a request). Fails harmlessly on the Unix socket.
    const int one = 1;
    (void)::setsockopt(socket.impl()->sockfd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    socket.setBlocking(true);
    if (dispatcher->queuedConnections() >= kMaxQueued) {
      RejectNow(socket);
      continue;
    }
    dispatcher->enqueue(socket);
  }
}

void Server::Impl::AcceptLoop() {
  std::vector<pollfd> fds;
  for (auto& l : listeners) fds.push_back({l.impl()->sockfd(), POLLIN, 0});
  fds.push_back({wake_fd, POLLIN, 0});
  for (;;) {
    // Blocks without a timeout: an idle API costs no CPU.
    const int n = ::poll(fds.data(), fds.size(), -1);
    if (n < 0 && errno != EINTR) {
      log(PHPEEK_LOG_ERROR, std::string("poll failed: ") + std::strerror(errno));
      return;
    }
    if (fds.back().revents != 0) return;
    for (size_t i = 0; i < listeners.size(); ++i) {
      if (fds[i].revents != 0) AcceptFrom(listeners[i]);
    }
  }
}

void Server::Impl::CloseListeners() {
  for (auto& l : listeners) l.close();
  listeners.clear();
  if (unlink_socket) ::unlink(options.socket_path.c_str());
  unlink_socket = false;
}

Server::Server(ServerOptions options, RequestHandler handler, ServerLog log)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->log = std::move(log);
}

Server::~Server() { Stop(); }

bool Server::Start(std::string* err) {
  if (impl_->started) return true;
  impl_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl_->wake_fd < 0) {
    *err = std::string("eventfd failed: ") + std::strerror(errno);
    return false;
  }
  if (!impl_->Listen(err)) {
    ::close(impl_->wake_fd);
    impl_->wake_fd = -1;
    return false;
  }
  impl_->StartDispatcher();
  impl_->acceptor = std::thread([this] { impl_->AcceptLoop(); });
  impl_->started = true;
  return true;
}

void Server::Stop() {
  if (!impl_->started) return;
  impl_->started = false;
  const uint64_t one = 1;
  (void)::write(impl_->wake_fd, &one, sizeof(one));
  impl_->acceptor.join();
  impl_->CloseListeners();
  impl_->dispatcher->stop();
  // Wakes every connection thread blocked on a socket, so that joinAll returns promptly.
  const bool abort_current = true;
  impl_->api_notifier->NotifyServerStopped(abort_current);
  impl_->overload_notifier->NotifyServerStopped(abort_current);
  impl_->pool->joinAll();
  impl_->dispatcher->release();
  impl_->dispatcher = nullptr;
  impl_->pool.reset();  // stops and joins the idle pooled threads
  ::close(impl_->wake_fd);
  impl_->wake_fd = -1;
}

int Server::port() const {
  if (impl_->listeners.empty()) return 0;
  return impl_->listeners.front().address().port();
}

}  // namespace phpeek::rest
