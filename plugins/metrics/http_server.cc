#include "plugins/metrics/http_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

#include "plugins/metrics/listen_socket.h"
#include "plugins/metrics/report_throttle.h"

namespace phpeek::metrics {
namespace {

using Clock = Connection::Clock;

constexpr int kBacklog = 64;
constexpr int kAcceptBurst = 64;  // connections accepted per turn before serving the others
constexpr auto kReportInterval = std::chrono::seconds(1);

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

int MillisUntil(Clock::time_point when, Clock::time_point now) {
  if (when <= now) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - now).count();
  return static_cast<int>(std::min<int64_t>(ms, 60 * 60 * 1000));
}

}  // namespace

class HttpServer::Loop {
 public:
  Loop(const HttpOptions& options, const ListenSocket& listener, int wake_fd,
       const ScrapeFn& scrape, const WarnFn& warn)
      : options_(options),
        listener_(listener),
        wake_fd_(wake_fd),
        scrape_(scrape),
        warn_(warn),
        accept_failures_(kReportInterval),
        poll_failures_(kReportInterval) {}

  ~Loop() {
    Stop();
    ::close(listener_.fd);
    ::close(wake_fd_);
  }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  void Stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof(one));
    thread_.join();
  }

 private:
  void Run() {
    std::vector<pollfd> fds;
    while (!stopping_) {
      Clock::time_point now = Clock::now();
      ExpireDeadlines(now);
      if (const auto n = accept_failures_.Flush(now)) ReportAcceptFailures(*n);
      fds.clear();
      fds.push_back({wake_fd_, POLLIN, 0});
      fds.push_back({now >= accept_paused_until_ ? listener_.fd : -1, POLLIN, 0});
      for (const auto& c : connections_) fds.push_back({c->fd(), c->poll_events(), 0});
      if (::poll(fds.data(), fds.size(), PollTimeout(now)) < 0 && errno != EINTR) {
        const std::string error = std::strerror(errno);  // ENOMEM: retried after a pause
        if (const auto n = poll_failures_.Count(Clock::now())) {
          Warn("poll() failed: " + error + " (" + std::to_string(*n) +
               " since the last report; retrying every " +
               std::to_string(options_.limits.accept_backoff.count()) + " ms)");
        }
        ::poll(nullptr, 0, static_cast<int>(options_.limits.accept_backoff.count()));
        continue;
      }
      if (stopping_) break;
      scrape_cache_.reset();
      now = Clock::now();
      ServeConnections(fds, now);
      if ((fds[1].revents & POLLIN) != 0) Accept(now);
      if ((fds[0].revents & POLLIN) != 0) {
        uint64_t value = 0;
        [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &value, sizeof(value));
      }
    }
    connections_.clear();
  }

  // fds[2 + i] is connections_[i]: nothing adds or removes connections between the two.
  void ServeConnections(const std::vector<pollfd>& fds, Clock::time_point now) {
    const Connection::Responder respond = [this](const RequestHead& r) { return Respond(r); };
    for (size_t i = 0; i + 2 < fds.size(); ++i) {
      Connection& c = *connections_[i];
      if (fds[i + 2].revents != 0) {
        c.OnReady(fds[i + 2].revents, now, respond);
      } else if (c.has_buffered_request()) {
        c.HandleBuffered(now, respond);
      }
    }
    RemoveClosed();
  }

  int PollTimeout(Clock::time_point now) const {
    std::optional<Clock::time_point> wake = accept_failures_.next_flush();
    if (accept_paused_until_ > now)
      wake = std::min(wake.value_or(accept_paused_until_), accept_paused_until_);
    for (const auto& c : connections_) {
      if (c->has_buffered_request()) return 0;
      wake = std::min(wake.value_or(c->deadline()), c->deadline());
    }
    return wake ? MillisUntil(*wake, now) : -1;
  }

  void ExpireDeadlines(Clock::time_point now) {
    for (const auto& c : connections_) {
      if (c->deadline() <= now) c->OnDeadline(now);
    }
    RemoveClosed();
  }

  void RemoveClosed() {
    std::erase_if(connections_, [](const auto& c) { return c->closed(); });
  }

  void Accept(Clock::time_point now) {
    for (int i = 0; i < kAcceptBurst; ++i) {
      const int fd = AcceptConnection(listener_.fd);
      if (fd >= 0) {
        if (connections_.size() >= options_.limits.max_connections) CloseLongestServed();
        connections_.push_back(std::make_unique<Connection>(fd, options_.limits, now));
        continue;
      }
      const int err = errno;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      if (IsConnectionError(err)) continue;
      last_accept_error_ = std::strerror(err);
      if (const auto n = accept_failures_.Count(now)) ReportAcceptFailures(*n);
      if (IsResourceShortage(err) && !connections_.empty()) {
        CloseLongestServed();  // frees a descriptor for the client waiting in the backlog
        continue;
      }
      accept_paused_until_ = now + options_.limits.accept_backoff;
      return;
    }
  }

  void CloseLongestServed() {
    const auto oldest = std::min_element(
        connections_.begin(), connections_.end(),
        [](const auto& a, const auto& b) { return a->last_served() < b->last_served(); });
    if (oldest == connections_.end()) return;
    connections_.erase(oldest);
  }

  void ReportAcceptFailures(uint64_t n) {
    Warn("cannot accept connections on " + listener_.address + ": " + last_accept_error_ + " (" +
         std::to_string(n) + (n == 1 ? " failure" : " failures") +
         " since the last report; closing the connections served longest ago, else pausing " +
         std::to_string(options_.limits.accept_backoff.count()) + " ms)");
  }

  void Warn(const std::string& message) const {
    if (warn_) warn_(message);
  }

  HttpResponse Respond(const RequestHead& request) {
    return Route(request, options_.metrics_path, [this] {
      if (!scrape_cache_) scrape_cache_ = Scrape();
      return *scrape_cache_;
    });
  }

  HttpResponse Scrape() const {
    try {
      return scrape_();
    } catch (const std::exception& e) {
      return ErrorResponse(500, std::string("scrape failed: ") + e.what());
    }
  }

  const HttpOptions options_;
  const ListenSocket listener_;
  const int wake_fd_;
  const ScrapeFn& scrape_;
  const WarnFn& warn_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  // Below: the loop thread's only.
  std::vector<std::unique_ptr<Connection>> connections_;
  std::optional<HttpResponse> scrape_cache_;
  ReportThrottle accept_failures_;
  ReportThrottle poll_failures_;
  std::string last_accept_error_;
  Clock::time_point accept_paused_until_{};
};

HttpServer::HttpServer(ScrapeFn scrape, WarnFn warn)
    : scrape_(std::move(scrape)), warn_(std::move(warn)) {}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Start(const HttpOptions& options, std::string* err) {
  ListenSocket listener;
  if (!OpenListener(options.host, options.port, kBacklog, &listener, err)) return false;
  const int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    *err = std::string("cannot create the listener's wake-up descriptor: ") + std::strerror(errno);
    ::close(listener.fd);
    return false;
  }
  auto loop = std::make_unique<Loop>(options, listener, wake_fd, scrape_, warn_);
  try {
    loop->Start();
  } catch (const std::exception& e) {
    *err = std::string("cannot start the listener thread: ") + e.what();
    return false;  // ~Loop closes both descriptors
  }
  loop_ = std::move(loop);
  bound_port_ = listener.port;
  bound_address_ = listener.address;
  return true;
}

void HttpServer::Stop() {
  if (!loop_) return;
  loop_->Stop();
  loop_.reset();
}

}  // namespace phpeek::metrics
