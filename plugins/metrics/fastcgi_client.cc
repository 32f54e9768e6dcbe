#include "plugins/metrics/fastcgi_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>

#include "plugins/metrics/fastcgi_protocol.h"

namespace phpeek::metrics::fastcgi {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kUnixScheme = "unix:";

bool ParseUnixEndpoint(std::string_view path, Endpoint* out, std::string* err) {
  auto* un = reinterpret_cast<sockaddr_un*>(&out->addr);
  if (path.empty() || path.front() != '/' || path.size() >= sizeof(un->sun_path) ||
      path.find('\0') != std::string_view::npos) {
    *err = "'unix:" + std::string(path) + "' is not unix:/absolute/path";
    return false;
  }
  un->sun_family = AF_UNIX;
  std::memcpy(un->sun_path, path.data(), path.size());
  out->length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  return true;
}

bool ParseTcpEndpoint(std::string_view text, Endpoint* out, std::string* err) {
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find("]:");
    if (close != std::string_view::npos) {
      host = text.substr(1, close - 1);
      port = text.substr(close + 2);
    }
  } else if (const size_t colon = text.rfind(':');
             colon != std::string_view::npos && text.find(':') == colon) {  // IPv6 needs [ ]
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  int number = 0;
  const auto res = std::from_chars(port.data(), port.data() + port.size(), number);
  const bool port_ok = !port.empty() && res.ec == std::errc() &&
                       res.ptr == port.data() + port.size() && number >= 1 && number <= 65535;
  const std::string host_text(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->addr);
  if (port_ok && inet_pton(AF_INET, host_text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(number));
    out->length = sizeof(sockaddr_in);
    return true;
  }
  if (port_ok && inet_pton(AF_INET6, host_text.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(number));
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  *err = "'" + std::string(text) + "' is not a numeric host:port or unix:/path";
  return false;
}

// One request in flight.
struct Exchange {
  size_t index = 0;  // into the requests
  int fd = -1;
  bool connecting = false;
  std::string out;  // the encoded request
  size_t sent = 0;
  ResponseReader reader;

  Exchange(size_t i, size_t max_answer) : index(i), reader(max_answer) {}
  ~Exchange() {
    if (fd >= 0) ::close(fd);
  }
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
};

std::string ErrnoText(const char* what, int err) { return std::string(what) + std::strerror(err); }

// Opens the connection; false with result->error when it failed at once.
bool StartExchange(const Request& request, Exchange* x, Result* result) {
  Endpoint endpoint;
  if (!ParseEndpoint(request.address, &endpoint, &result->error)) return false;
  x->fd = ::socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (x->fd < 0) {
    result->error = ErrnoText("cannot create a socket: ", errno);
    return false;
  }
  if (::connect(x->fd, reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.length) != 0) {
    if (errno != EINPROGRESS) {
      result->error = ErrnoText("cannot connect: ", errno);
      return false;
    }
    x->connecting = true;
  }
  x->out = EncodeRequest(GetParams(request.path, request.query));
  return true;
}

// Moves the exchange on after poll() said its socket is ready; true when it is over (the
// result is then set).
bool StepExchange(Exchange* x, Result* result) {
  if (x->connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == EINPROGRESS) return false;
    if (err != 0) {
      result->error = ErrnoText("cannot connect: ", err);
      return true;
    }
    x->connecting = false;
  }
  while (x->sent < x->out.size()) {
    const ssize_t n = ::send(x->fd, x->out.data() + x->sent, x->out.size() - x->sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    if (n < 0) {
      result->error = ErrnoText("cannot send the request: ", errno);
      return true;
    }
    x->sent += static_cast<size_t>(n);
  }
  char buf[16384];
  while (true) {
    const ssize_t n = ::recv(x->fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return false;
    if (n < 0) {
      result->error = ErrnoText("cannot read the answer: ", errno);
      return true;
    }
    const auto state =
        n == 0 ? x->reader.Finish() : x->reader.Feed(std::string_view(buf, static_cast<size_t>(n)));
    if (state == ResponseReader::State::kNeedMore) continue;
    result->ok = state == ResponseReader::State::kDone;
    result->error = x->reader.error();
    result->output = x->reader.stdout_data();
    result->errors = x->reader.stderr_data();
    return true;
  }
}

}  // namespace

bool ParseEndpoint(std::string_view address, Endpoint* out, std::string* err) {
  *out = Endpoint{};
  if (address.rfind(kUnixScheme, 0) == 0) {
    return ParseUnixEndpoint(address.substr(kUnixScheme.size()), out, err);
  }
  return ParseTcpEndpoint(address, out, err);
}

std::vector<Result> FetchAll(const std::vector<Request>& requests, const FetchLimits& limits) {
  std::vector<Result> results(requests.size());
  const Clock::time_point deadline = Clock::now() + limits.timeout;
  std::vector<std::unique_ptr<Exchange>> open;
  size_t next = 0;
  while (next < requests.size() || !open.empty()) {
    while (open.size() < std::max<size_t>(1, limits.max_open) && next < requests.size()) {
      auto x = std::make_unique<Exchange>(next, limits.max_answer);
      if (StartExchange(requests[next], x.get(), &results[next])) open.push_back(std::move(x));
      ++next;
    }
    if (open.empty()) continue;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    std::vector<pollfd> fds;
    for (const auto& x : open) {
      const bool writing = x->connecting || x->sent < x->out.size();
      fds.push_back(pollfd{x->fd, static_cast<short>(writing ? POLLOUT : POLLIN), 0});
    }
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      break;
    }
    for (size_t i = fds.size(); i-- > 0;) {
      if (fds[i].revents == 0) continue;
      if (StepExchange(open[i].get(), &results[open[i]->index])) open.erase(open.begin() + i);
    }
  }
  const std::string timed_out =
      "no answer within " + std::to_string(limits.timeout.count()) + " ms";
  for (const auto& x : open) results[x->index].error = timed_out;
  for (; next < requests.size(); ++next) results[next].error = timed_out;
  return results;
}

}  // namespace phpeek::metrics::fastcgi
