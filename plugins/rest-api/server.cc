#include "plugins/rest-api/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "Poco/Net/ServerSocket.h"
#include "phpeek/plugin_abi.h"
#include "plugins/rest-api/accept_failure_log.h"
#include "plugins/rest-api/connection.h"
#include "plugins/rest-api/listener.h"
#include "plugins/rest-api/worker_pool.h"
#include "plugins/rest-api/worker_priority.h"

namespace phpeek::rest {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxEvents = 64;
constexpr int kAcceptBatch = 64;  // per readiness of a listener, to stay fair to connections
// Connections beyond max_connections that are being answered 503 (and linger briefly).
constexpr int kRejectingSlack = 16;

// A worker's report: the answer is (partly) sent.
struct Answered {
  int fd;
  std::string rest;  // not sent yet
  bool keep_alive;
  bool failed;
};

// epoll_wait's timeout until `when`, rounded up, or -1 for "no deadline".
int MillisecondsUntil(Clock::time_point when, Clock::time_point now) {
  if (when == Clock::time_point::max()) return -1;
  if (when <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<int64_t>(ms, 60000));
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  RequestHandler handler;
  ServerLog log;

  std::vector<Poco::Net::ServerSocket> listeners;
  std::vector<int> listener_fds;
  bool unlink_socket = false;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  std::thread io;
  std::unique_ptr<WorkerPool> pool;
  bool started = false;

  // Owned by the I/O thread.
  std::unordered_map<int, std::unique_ptr<Connection>> connections;
  Clock::time_point next_deadline = Clock::time_point::max();  // at or before the earliest one
  bool accept_paused = false;
  Clock::time_point accept_resume{};
  AcceptFailureLog accept_failures;

  std::mutex answered_mu;
  std::vector<Answered> answered;  // guarded by answered_mu

  bool Listen(std::string* err);
  void CloseListeners();
  void Run();
  void OnEvent(const epoll_event& event, Clock::time_point now);
  void Accept(int listener_fd, Clock::time_point now);
  void Admit(int fd, Clock::time_point now);
  // The connection to close first when room is needed: lingering, else the one that has waited
  // longest for its client; end() when every connection is busy.
  std::unordered_map<int, std::unique_ptr<Connection>>::iterator OldestWaiting();
  void PauseAccepting(int err, Clock::time_point now);
  void ResumeAccepting();
  // After a connection changed state: re-arm it, hand its request to a worker, or forget it.
  void Settle(std::unordered_map<int, std::unique_ptr<Connection>>::iterator it,
              Clock::time_point now);
  void Answer(int fd, const Exchange& exchange);
  void CollectAnswers(Clock::time_point now);
  void ExpireDeadlines(Clock::time_point now);
  int NextTimeout(Clock::time_point now) const;
  void Wake();
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
  for (auto& l : listeners) listener_fds.push_back(l.impl()->sockfd());
  return true;
}

void Server::Impl::CloseListeners() {
  for (auto& l : listeners) l.close();
  listeners.clear();
  listener_fds.clear();
  if (unlink_socket) ::unlink(options.socket_path.c_str());
  unlink_socket = false;
}

void Server::Impl::Run() {
  LowerWorkerPriority();
  epoll_event events[kMaxEvents];
  while (!stopping.load()) {
    const int n = ::epoll_wait(epoll_fd, events, kMaxEvents, NextTimeout(Clock::now()));
    if (n < 0 && errno != EINTR) {
      log(PHPEEK_LOG_ERROR, std::string("epoll_wait failed: ") + std::strerror(errno));
      return;
    }
    const Clock::time_point now = Clock::now();
    for (int i = 0; i < n; ++i) OnEvent(events[i], now);
    CollectAnswers(now);
    ExpireDeadlines(now);
    if (accept_paused && now >= accept_resume) ResumeAccepting();
  }
}

void Server::Impl::OnEvent(const epoll_event& event, Clock::time_point now) {
  const int fd = event.data.fd;
  if (fd == wake_fd) {
    uint64_t count = 0;
    (void)::read(wake_fd, &count, sizeof(count));
    return;
  }
  if (std::find(listener_fds.begin(), listener_fds.end(), fd) != listener_fds.end()) {
    Accept(fd, now);
    return;
  }
  const auto it = connections.find(fd);
  if (it == connections.end()) return;
  it->second->OnReady(now);
  Settle(it, now);
}

void Server::Impl::Accept(int listener_fd, Clock::time_point now) {
  for (int i = 0; i < kAcceptBatch && !accept_paused; ++i) {
    const int fd = ::accept4(listener_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno == EINTR || errno == ECONNABORTED) continue;
      // EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection stays queued and the listener readable.
      PauseAccepting(errno, now);
      return;
    }
    if (std::string line = accept_failures.Succeeded(); !line.empty()) {
      log(PHPEEK_LOG_INFO, line);
    }
    // Fails harmlessly on the Unix socket.
    const int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    Admit(fd, now);
  }
}

void Server::Impl::Admit(int fd, Clock::time_point now) {
  RequestLimits limits;
  limits.max_body = options.max_request_body;
  const ConnectionTimeouts timeouts{options.request_timeout, options.keep_alive_timeout};
  auto connection = std::make_unique<Connection>(fd, limits, timeouts, now);
  const int open = static_cast<int>(connections.size());
  if (open >= options.max_connections) {
    if (const auto victim = OldestWaiting(); victim != connections.end()) {
      victim->second->Evict(now);
      Settle(victim, now);
    } else if (open < options.max_connections + kRejectingSlack) {
      // Every connection is busy in a handler: answer 503, then linger so that the client
      // reads it rather than a reset.
      connection->Reject(now);
      if (connection->state() == Connection::State::kClosed) return;
    } else {
      return;  // closes it
    }
  }
  epoll_event event{};
  event.events = connection->events() | EPOLLONESHOT;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) {
    log(PHPEEK_LOG_WARN, std::string("epoll_ctl failed: ") + std::strerror(errno));
    return;  // the connection closes
  }
  next_deadline = std::min(next_deadline, connection->deadline());
  connections.emplace(fd, std::move(connection));
}

std::unordered_map<int, std::unique_ptr<Connection>>::iterator Server::Impl::OldestWaiting() {
  auto oldest = connections.end();
  for (auto it = connections.begin(); it != connections.end(); ++it) {
    const Connection& c = *it->second;
    if (c.state() == Connection::State::kLingering) return it;  // done anyway
    if (c.state() != Connection::State::kReading) continue;
    if (oldest == connections.end() || c.waiting_order() < oldest->second->waiting_order()) {
      oldest = it;
    }
  }
  return oldest;
}

void Server::Impl::PauseAccepting(int err, Clock::time_point now) {
  if (std::string line = accept_failures.Failed(err, now); !line.empty()) {
    log(PHPEEK_LOG_WARN, line);
  }
  for (const int fd : listener_fds) (void)::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, nullptr);
  accept_paused = true;
  accept_resume = now + kAcceptPause;
}

void Server::Impl::ResumeAccepting() {
  for (const int fd : listener_fds) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    (void)::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
  }
  accept_paused = false;
}

void Server::Impl::Settle(std::unordered_map<int, std::unique_ptr<Connection>>::iterator it,
                          Clock::time_point now) {
  Connection& c = *it->second;
  switch (c.state()) {
    case Connection::State::kClosed:
      connections.erase(it);
      // A descriptor is free again: worth another accept() at once.
      if (accept_paused) accept_resume = now;
      return;
    case Connection::State::kHandling: {
      const int fd = c.fd();
      pool->Post([this, fd, exchange = c.TakeExchange()] { Answer(fd, exchange); });
      return;
    }
    default: {
      epoll_event event{};
      event.events = c.events() | EPOLLONESHOT;
      event.data.fd = c.fd();
      (void)::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd(), &event);
      next_deadline = std::min(next_deadline, c.deadline());
      return;
    }
  }
}

// On a worker thread: the connection is in kHandling, so nothing else touches `fd`.
void Server::Impl::Answer(int fd, const Exchange& exchange) {
  bool keep_alive = false;
  const std::string text = AnswerRequest(handler, exchange, &keep_alive);
  size_t sent = 0;
  bool failed = false;
  while (sent < text.size()) {
    const ssize_t n =
        ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
      break;  // the I/O thread writes the rest when the socket takes it
    }
  }
  {
    std::lock_guard<std::mutex> lock(answered_mu);
    answered.push_back(Answered{fd, text.substr(sent), keep_alive, failed});
  }
  Wake();
}

void Server::Impl::CollectAnswers(Clock::time_point now) {
  std::vector<Answered> done;
  {
    std::lock_guard<std::mutex> lock(answered_mu);
    done.swap(answered);
  }
  for (Answered& a : done) {
    const auto it = connections.find(a.fd);
    if (it == connections.end()) continue;
    it->second->OnAnswered(std::move(a.rest), a.keep_alive, a.failed, now);
    Settle(it, now);
  }
}

void Server::Impl::ExpireDeadlines(Clock::time_point now) {
  if (now < next_deadline) return;
  next_deadline = Clock::time_point::max();
  for (auto it = connections.begin(); it != connections.end();) {
    Connection& c = *it->second;
    if (c.state() != Connection::State::kHandling && c.deadline() <= now) {
      c.OnDeadline(now);
      if (c.state() == Connection::State::kClosed) {
        it = connections.erase(it);
        continue;
      }
      epoll_event event{};
      event.events = c.events() | EPOLLONESHOT;
      event.data.fd = c.fd();
      (void)::epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd(), &event);
    }
    if (c.state() != Connection::State::kHandling) {
      next_deadline = std::min(next_deadline, c.deadline());
    }
    ++it;
  }
}

int Server::Impl::NextTimeout(Clock::time_point now) const {
  Clock::time_point when = next_deadline;
  if (accept_paused) when = std::min(when, accept_resume);
  return MillisecondsUntil(when, now);
}

void Server::Impl::Wake() {
  const uint64_t one = 1;
  (void)::write(wake_fd, &one, sizeof(one));
}

Server::Server(ServerOptions options, RequestHandler handler, ServerLog log)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->log = std::move(log);
}

Server::~Server() { Stop(); }

bool Server::Start(std::string* err) {
  Impl& s = *impl_;
  if (s.started) return true;
  s.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (s.wake_fd < 0 || s.epoll_fd < 0) {
    *err = std::string("cannot create the API's event descriptors: ") + std::strerror(errno);
  } else if (s.Listen(err)) {
    std::vector<int> fds = s.listener_fds;
    fds.push_back(s.wake_fd);
    bool ok = true;
    for (const int fd : fds) {
      epoll_event event{};
      event.events = EPOLLIN;
      event.data.fd = fd;
      ok = ok && ::epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, fd, &event) == 0;
    }
    if (ok) {
      s.stopping = false;
      s.pool = std::make_unique<WorkerPool>(std::max(1, s.options.workers), &LowerWorkerPriority);
      s.io = std::thread([&s] { s.Run(); });
      s.started = true;
      return true;
    }
    *err = std::string("epoll_ctl failed: ") + std::strerror(errno);
    s.CloseListeners();
  }
  if (s.wake_fd >= 0) ::close(s.wake_fd);
  if (s.epoll_fd >= 0) ::close(s.epoll_fd);
  s.wake_fd = s.epoll_fd = -1;
  return false;
}

void Server::Stop() {
  Impl& s = *impl_;
  if (!s.started) return;
  s.started = false;
  s.stopping = true;
  s.Wake();
  s.io.join();
  s.pool->Stop();  // after the I/O thread: nothing posts any more
  s.pool.reset();
  s.connections.clear();  // closes them
  s.answered.clear();
  s.next_deadline = Clock::time_point::max();
  s.accept_paused = false;
  s.CloseListeners();
  ::close(s.epoll_fd);
  ::close(s.wake_fd);
  s.epoll_fd = s.wake_fd = -1;
}

int Server::port() const {
  if (impl_->listeners.empty()) return 0;
  return impl_->listeners.front().address().port();
}

}  // namespace phpeek::rest
