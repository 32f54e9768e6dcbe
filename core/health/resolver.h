// Host names of tcp and http health checks to socket addresses, without ever blocking the loop:
// literal addresses are converted at once; names go to one resolver thread (getaddrinfo may wait
// on DNS for seconds) whose answers come back to the loop through an eventfd. Answers are kept for
// kCacheFor, so that 500 probes of "localhost" every second cost one lookup every few seconds.
//
// Threads: Resolve and Cancel on the loop thread only; callbacks run there too. The worker shares
// its queue with the Resolver through a shared state, so a lookup still hanging in getaddrinfo when
// the Resolver is destroyed finishes on a detached thread without touching freed memory.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

#include "core/supervisor/loop.h"

namespace phpeek::health {

using supervisor::Clock;
using supervisor::Millis;

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

// A literal IPv4 or IPv6 address (without brackets) with `port`; false for anything else.
bool LiteralAddress(const std::string& host, int port, SocketAddress* out);

class Resolver {
 public:
  using Done = std::function<void(bool ok, const SocketAddress& address, const std::string& error)>;
  static constexpr Millis kCacheFor{10000};

  explicit Resolver(supervisor::Loop& loop);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Calls `done` once with the first address of `host` (IPv4 preferred), at once for a literal or
  // a fresh cache entry, else from the loop later. Returns an id for Cancel (0 when answered).
  uint64_t Resolve(const std::string& host, int port, Done done);
  // The pending `done` of `id` is never called.
  void Cancel(uint64_t id);

  // Internal: what the worker thread shares with the Resolver, and one lookup's answer.
  struct Shared;
  struct Answer {
    bool ok = false;
    SocketAddress address;
    std::string error;
    Clock::time_point at{};
  };

 private:
  struct Pending {
    std::string host;
    int port = 0;
    Done done;
  };

  void StartWorker();
  void OnAnswers();
  static void WithPort(SocketAddress* address, int port);

  supervisor::Loop& loop_;
  std::shared_ptr<Shared> shared_;
  std::unordered_map<std::string, Answer> cache_;  // by host name
  std::map<uint64_t, Pending> pending_;            // by id: answered in the order asked
  uint64_t next_id_ = 1;
};

}  // namespace phpeek::health
