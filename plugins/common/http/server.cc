#include "plugins/common/http/server.h"

#include <arpa/inet.h>
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
#include <optional>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "phpeek/plugin_abi.h"
#include "plugins/common/http/accept_failure_log.h"
#include "plugins/common/http/socket_transport.h"
#include "plugins/common/http/thread_priority.h"
#include "plugins/common/http/worker_pool.h"

namespace phpeek::http {
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
  uint64_t sent_order;                     // Connection::NextWaitingOrder() just before the send
  std::shared_ptr<ResponseStream> stream;  // a streaming answer's body
};

// accept() failed because descriptors or kernel memory ran out: retrying at once fails again.
bool IsResourceShortage(int err) {
  return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}

// accept() failed for this one connection only (accept(2): retry on these).
bool IsConnectionError(int err) {
  return err == EINTR || err == ECONNABORTED || err == EPROTO || err == ENETDOWN ||
         err == ENOPROTOOPT || err == EHOSTDOWN || err == ENONET || err == EHOSTUNREACH ||
         err == EOPNOTSUPP || err == ENETUNREACH;
}

// epoll_wait's timeout until `when`, rounded up, or -1 for "no deadline".
int MillisecondsUntil(Clock::time_point when, Clock::time_point now) {
  if (when == Clock::time_point::max()) return -1;
  if (when <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<int64_t>(ms, 60000));
}

// The client's address without the port ("127.0.0.1", "::1"); "" over a Unix socket, "?" when
// the kernel does not say (an access list then refuses it).
std::string PeerAddress(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof(address);
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "?";
  char text[INET6_ADDRSTRLEN] = {};
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    return ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text)) ? text : "?";
  }
  if (address.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    return ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text)) ? text : "?";
  }
  return "";
}

std::string OverloadText(const ResponseDefaults& defaults) {
  HttpResponse r =
      defaults.render_error(503, "every connection slot is busy; try again in a second");
  r.headers.emplace_back("Retry-After", "1");
  return ResponseText(r, /*head=*/false, Persistence::kClose, defaults.headers);
}

}  // namespace

struct Server::Impl {
  using ConnectionMap = std::unordered_map<int, std::unique_ptr<Connection>>;

  struct Listener {
    ListenSocket socket;
    AcceptFailureLog failures;
    std::function<std::unique_ptr<Transport>(int fd)> make_transport;  // the endpoint's
  };

  ServerOptions options;
  ConnectionSettings settings;
  Handler handler;
  ServerLog log;

  std::vector<Listener> listeners;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  std::thread io;
  std::unique_ptr<WorkerPool> pool;
  bool started = false;

  // Owned by the I/O thread.
  ConnectionMap connections;
  Clock::time_point next_deadline = Clock::time_point::max();  // at or before the earliest one
  bool accept_paused = false;
  Clock::time_point accept_resume{};
  std::optional<Clock::time_point> last_wait_failure;

  std::mutex answered_mu;
  std::vector<Answered> answered;  // guarded by answered_mu
  std::mutex streams_mu;
  std::vector<int> streams_ready;  // guarded by streams_mu: connections whose stream has bytes
  // Held shared by a worker from taking its waiting order until its report is in `answered`,
  // and exclusively by the I/O thread to wait for every send under way (CollectSentAnswers).
  std::shared_mutex sending_mu;

  bool Listen(std::string* err);
  void CloseListeners();
  bool Arm(int fd, uint32_t events, int op);
  void Run();
  void OnEvent(const epoll_event& event, Clock::time_point now);
  void Accept(Listener& listener, Clock::time_point now);
  void Admit(const Listener& listener, int fd, Clock::time_point now);
  // The connection to close first when room is needed: lingering, else the one that has waited
  // longest for its client, else the one whose client has been slowest to read its answer; end()
  // when every connection is busy in a handler. Call CollectSentAnswers first.
  ConnectionMap::iterator OldestWaiting();
  void PauseAccepting(Clock::time_point now);
  void ResumeAccepting();
  // After a connection changed state: re-arm it, hand its request to a worker, or forget it.
  void Settle(ConnectionMap::iterator it, Clock::time_point now);
  void Answer(int fd, Transport* transport, const Exchange& exchange);
  void CollectAnswers(Clock::time_point now);
  // Called by a stream (any thread, under the stream's lock): queue its connection, wake up.
  void StreamReady(int fd);
  void CollectStreams(Clock::time_point now);
  // CollectAnswers, after waiting for the sends under way: a client may have read an answer that
  // a worker has sent but not yet reported, and then opened the connection that needs room.
  void CollectSentAnswers(Clock::time_point now);
  void ExpireDeadlines(Clock::time_point now);
  void FlushAcceptLogs(Clock::time_point now);
  int NextTimeout(Clock::time_point now) const;
  void Log(int level, const std::string& line) const;
  void Wake();
};

bool Server::Impl::Listen(std::string* err) {
  for (const Endpoint& endpoint : options.endpoints) {
    ListenSocket socket;
    if (!OpenListener(endpoint, options.backlog, &socket, err)) {
      CloseListeners();
      return false;
    }
    listeners.push_back(Listener{socket, AcceptFailureLog(socket.address, options.accept_pause),
                                 endpoint.make_transport});
  }
  if (listeners.empty()) {
    *err = "no address to listen on";
    return false;
  }
  return true;
}

void Server::Impl::CloseListeners() {
  for (Listener& l : listeners) CloseListener(&l.socket);
  listeners.clear();
}

bool Server::Impl::Arm(int fd, uint32_t events, int op) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  return ::epoll_ctl(epoll_fd, op, fd, &event) == 0;
}

void Server::Impl::Run() {
  if (options.lower_priority) LowerThreadPriority();
  epoll_event events[kMaxEvents];
  while (!stopping.load()) {
    const int n = ::epoll_wait(epoll_fd, events, kMaxEvents, NextTimeout(Clock::now()));
    const Clock::time_point now = Clock::now();
    if (n < 0 && errno != EINTR) {
      // Not expected on a valid epoll descriptor; said once a second, retried after a pause.
      if (!last_wait_failure || now - *last_wait_failure >= AcceptFailureLog::kInterval) {
        Log(PHPEEK_LOG_ERROR, std::string("epoll_wait failed: ") + std::strerror(errno));
        last_wait_failure = now;
      }
      std::this_thread::sleep_for(options.accept_pause);
      continue;
    }
    for (int i = 0; i < n; ++i) OnEvent(events[i], now);
    CollectAnswers(now);
    CollectStreams(now);
    ExpireDeadlines(now);
    FlushAcceptLogs(now);
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
  for (Listener& l : listeners) {
    if (l.socket.fd == fd) {
      Accept(l, now);
      return;
    }
  }
  const auto it = connections.find(fd);
  if (it == connections.end()) return;
  it->second->OnReady(now);
  Settle(it, now);
}

void Server::Impl::Accept(Listener& listener, Clock::time_point now) {
  bool made_room = false;  // the last accept() could only work after closing a connection
  for (int i = 0; i < kAcceptBatch && !accept_paused; ++i) {
    const int fd = AcceptConnection(listener.socket.fd);
    if (fd < 0) {
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (IsConnectionError(err)) continue;
      // EMFILE, ENFILE, ENOBUFS, ENOMEM (or worse): the connection stays queued and the listener
      // readable. Free a descriptor for it, else wait. With nobody queued (the last accept took
      // the last descriptor) there is nothing to make room for.
      const bool shortage = IsResourceShortage(err);
      if (shortage && !ConnectionWaiting(listener.socket.fd)) return;
      Log(PHPEEK_LOG_WARN, listener.failures.Failed(err, now));
      const size_t open = connections.size();
      if (shortage) CollectSentAnswers(now);
      if (connections.size() < open) {  // an answer's failed send closed its connection
        made_room = true;
        continue;
      }
      const auto victim = shortage ? OldestWaiting() : connections.end();
      if (victim == connections.end()) {
        PauseAccepting(now);
        return;
      }
      victim->second->EvictNow();
      connections.erase(victim);
      made_room = true;
      continue;
    }
    if (!made_room) Log(PHPEEK_LOG_INFO, listener.failures.Succeeded(now));
    made_room = false;
    // Fails harmlessly on a Unix socket.
    const int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    Admit(listener, fd, now);
  }
}

void Server::Impl::Admit(const Listener& listener, int fd, Clock::time_point now) {
  std::unique_ptr<Transport> transport = listener.make_transport  ? listener.make_transport(fd)
                                         : options.make_transport ? options.make_transport(fd)
                                                                  : nullptr;
  if (!transport) transport = std::make_unique<SocketTransport>(fd);
  auto connection =
      std::make_unique<Connection>(std::move(transport), settings, now, PeerAddress(fd));
  if (static_cast<int>(connections.size()) >= options.max_connections) CollectSentAnswers(now);
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
  if (!Arm(fd, connection->events() | EPOLLONESHOT, EPOLL_CTL_ADD)) {
    Log(PHPEEK_LOG_WARN, std::string("epoll_ctl failed: ") + std::strerror(errno));
    return;  // the connection closes
  }
  next_deadline = std::min(next_deadline, connection->deadline());
  connections.emplace(fd, std::move(connection));
}

Server::Impl::ConnectionMap::iterator Server::Impl::OldestWaiting() {
  auto reading = connections.end();
  auto writing = connections.end();
  for (auto it = connections.begin(); it != connections.end(); ++it) {
    const Connection& c = *it->second;
    auto& oldest = c.state() == Connection::State::kReading ? reading : writing;
    switch (c.state()) {
      case Connection::State::kLingering:
        return it;  // done anyway
      case Connection::State::kReading:
      case Connection::State::kWriting:
        if (oldest == connections.end() || c.waiting_order() < oldest->second->waiting_order()) {
          oldest = it;
        }
        break;
      case Connection::State::kHandling:
      case Connection::State::kStreaming:
      case Connection::State::kClosed:
        break;
    }
  }
  return reading != connections.end() ? reading : writing;
}

void Server::Impl::PauseAccepting(Clock::time_point now) {
  for (const Listener& l : listeners)
    (void)::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, l.socket.fd, nullptr);
  accept_paused = true;
  accept_resume = now + options.accept_pause;
}

void Server::Impl::ResumeAccepting() {
  for (const Listener& l : listeners) (void)Arm(l.socket.fd, EPOLLIN, EPOLL_CTL_ADD);
  accept_paused = false;
}

void Server::Impl::Settle(ConnectionMap::iterator it, Clock::time_point now) {
  Connection& c = *it->second;
  switch (c.state()) {
    case Connection::State::kClosed:
      connections.erase(it);
      // A descriptor is free again: worth another accept() at once.
      if (accept_paused) accept_resume = now;
      return;
    case Connection::State::kHandling: {
      const int fd = it->first;
      pool->Post([this, fd, transport = &c.transport(), exchange = c.TakeExchange()] {
        Answer(fd, transport, exchange);
      });
      return;
    }
    default:
      (void)Arm(c.fd(), c.events() | EPOLLONESHOT, EPOLL_CTL_MOD);
      next_deadline = std::min(next_deadline, c.deadline());
      return;
  }
}

// On a worker thread: the connection is in kHandling, so nothing else touches its transport.
void Server::Impl::Answer(int fd, Transport* transport, const Exchange& exchange) {
  bool keep_alive = false;
  std::shared_ptr<ResponseStream> stream;
  std::string text = AnswerRequest(handler, exchange, settings.defaults, &keep_alive, &stream);
  {
    // From the waiting order to the report: the I/O thread may wait for this (non-blocking) send.
    std::shared_lock<std::shared_mutex> sending(sending_mu);
    const uint64_t sent_order = Connection::NextWaitingOrder();
    size_t sent = 0;
    bool failed = false;
    while (sent < text.size()) {
      const IoResult r = transport->Send(std::string_view(text).substr(sent));
      if (r.status != IoStatus::kOk) {
        failed = r.status == IoStatus::kFailed;
        break;  // kWouldBlock: the I/O thread writes the rest when the socket takes it
      }
      sent += r.bytes;
    }
    text.erase(0, sent);  // in place: no copy of a large answer's rest
    std::lock_guard<std::mutex> lock(answered_mu);
    answered.push_back(
        Answered{fd, std::move(text), keep_alive, failed, sent_order, std::move(stream)});
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
    if (it == connections.end()) {
      if (a.stream) a.stream->Detach();
      continue;
    }
    if (a.stream) {
      const int fd = a.fd;
      it->second->OnStreamStarted(
          std::move(a.rest), a.failed, std::move(a.stream), [this, fd] { StreamReady(fd); }, now);
    } else {
      it->second->OnAnswered(std::move(a.rest), a.keep_alive, a.failed, a.sent_order, now);
    }
    Settle(it, now);
  }
}

void Server::Impl::StreamReady(int fd) {
  {
    std::lock_guard<std::mutex> lock(streams_mu);
    streams_ready.push_back(fd);
  }
  Wake();
}

void Server::Impl::CollectStreams(Clock::time_point now) {
  std::vector<int> ready;
  {
    std::lock_guard<std::mutex> lock(streams_mu);
    ready.swap(streams_ready);
  }
  for (const int fd : ready) {
    // A descriptor reused by a newer connection gets at most a spurious flush.
    const auto it = connections.find(fd);
    if (it == connections.end() || it->second->state() != Connection::State::kStreaming) continue;
    it->second->OnStreamReady(now);
    Settle(it, now);
  }
}

void Server::Impl::CollectSentAnswers(Clock::time_point now) {
  { const std::unique_lock<std::shared_mutex> no_send_under_way(sending_mu); }
  CollectAnswers(now);
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
        if (accept_paused) accept_resume = now;
        continue;
      }
      (void)Arm(c.fd(), c.events() | EPOLLONESHOT, EPOLL_CTL_MOD);
    }
    if (c.state() != Connection::State::kHandling) {
      next_deadline = std::min(next_deadline, c.deadline());
    }
    ++it;
  }
}

void Server::Impl::FlushAcceptLogs(Clock::time_point now) {
  for (Listener& l : listeners) Log(PHPEEK_LOG_WARN, l.failures.Flush(now));
}

int Server::Impl::NextTimeout(Clock::time_point now) const {
  Clock::time_point when = next_deadline;
  if (accept_paused) when = std::min(when, accept_resume);
  for (const Listener& l : listeners) {
    if (const auto flush = l.failures.next_flush()) when = std::min(when, *flush);
  }
  return MillisecondsUntil(when, now);
}

void Server::Impl::Log(int level, const std::string& line) const {
  if (!line.empty() && log) log(level, line);
}

void Server::Impl::Wake() {
  const uint64_t one = 1;
  (void)::write(wake_fd, &one, sizeof(one));
}

Server::Server(ServerOptions options, Handler handler, ServerLog log)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.options = std::move(options);
  s.settings.limits = s.options.limits;
  s.settings.timeouts = s.options.timeouts;
  s.settings.defaults = s.options.defaults;
  s.settings.overload_text = OverloadText(s.settings.defaults);
  s.handler = std::move(handler);
  s.log = std::move(log);
}

Server::~Server() { Stop(); }

bool Server::Start(std::string* err) {
  Impl& s = *impl_;
  if (s.started) return true;
  s.wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  s.epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (s.wake_fd < 0 || s.epoll_fd < 0) {
    *err = std::string("cannot create the server's event descriptors: ") + std::strerror(errno);
  } else if (s.Listen(err)) {
    bool ok = s.Arm(s.wake_fd, EPOLLIN, EPOLL_CTL_ADD);
    for (const Impl::Listener& l : s.listeners)
      ok = ok && s.Arm(l.socket.fd, EPOLLIN, EPOLL_CTL_ADD);
    if (ok) {
      s.stopping = false;
      const bool lower = s.options.lower_priority;
      s.pool = std::make_unique<WorkerPool>(std::max(1, s.options.workers), [lower] {
        if (lower) LowerThreadPriority();
      });
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
  // Answers sent meanwhile: a stream whose head just went out still gets its last words.
  s.CollectAnswers(Clock::now());
  s.pool.reset();
  for (auto& [fd, c] : s.connections) c->FinalFlush();  // a stream's last words, if they fit
  s.connections.clear();                                // closes them; their streams are detached
  for (Answered& a : s.answered) {
    if (a.stream) a.stream->Detach();
  }
  s.answered.clear();
  s.streams_ready.clear();
  s.next_deadline = Clock::time_point::max();
  s.accept_paused = false;
  s.CloseListeners();
  ::close(s.epoll_fd);
  ::close(s.wake_fd);
  s.epoll_fd = s.wake_fd = -1;
}

std::vector<std::string> Server::addresses() const {
  std::vector<std::string> out;
  for (const Impl::Listener& l : impl_->listeners) out.push_back(l.socket.address);
  return out;
}

int Server::port() const {
  for (const Impl::Listener& l : impl_->listeners) {
    if (l.socket.unix_path.empty()) return l.socket.port;
  }
  return 0;
}

}  // namespace phpeek::http
