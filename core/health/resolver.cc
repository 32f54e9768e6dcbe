#include "core/health/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace phpeek::health {

// What the worker thread and the Resolver share. The worker holds a reference until it exits.
struct Resolver::Shared {
  std::mutex mu;
  std::condition_variable wake;
  std::deque<std::string> queue;                     // host names to look up; guarded by mu
  std::vector<std::pair<std::string, Answer>> done;  // guarded by mu
  bool stop = false;                                 // guarded by mu
  bool started = false;                              // guarded by mu
  int event_fd = -1;  // written by the worker, read by the loop; closed with the last reference

  ~Shared() {
    if (event_fd >= 0) close(event_fd);
  }
};

namespace {

// First address of `host`, IPv4 preferred (a name such as "localhost" usually has both, and
// servers in containers often listen on IPv4 only).
bool Lookup(const std::string& host, SocketAddress* out, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &list);
  if (rc != 0) {
    *error = "cannot resolve '" + host + "': " + gai_strerror(rc);
    return false;
  }
  const addrinfo* best = nullptr;
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    if (a->ai_family == AF_INET) {
      best = a;
      break;
    }
    if (a->ai_family == AF_INET6 && best == nullptr) best = a;
  }
  if (best != nullptr) {
    std::memcpy(&out->storage, best->ai_addr, best->ai_addrlen);
    out->length = best->ai_addrlen;
  } else {
    *error = "'" + host + "' has no IPv4 or IPv6 address";
  }
  freeaddrinfo(list);
  return best != nullptr;
}

void Work(std::shared_ptr<Resolver::Shared> shared) {
  std::unique_lock<std::mutex> lock(shared->mu);
  while (true) {
    shared->wake.wait(lock, [&] { return shared->stop || !shared->queue.empty(); });
    if (shared->stop) return;
    const std::string host = std::move(shared->queue.front());
    shared->queue.pop_front();
    lock.unlock();
    Resolver::Answer answer;  // filled without the lock: getaddrinfo may take seconds
    answer.ok = Lookup(host, &answer.address, &answer.error);
    lock.lock();
    if (shared->stop) return;
    shared->done.emplace_back(host, std::move(answer));
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(shared->event_fd, &one, sizeof one);
  }
}

}  // namespace

bool LiteralAddress(const std::string& host, int port, SocketAddress* out) {
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    out->length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

Resolver::Resolver(supervisor::Loop& loop) : loop_(loop), shared_(std::make_shared<Shared>()) {}

Resolver::~Resolver() {
  bool started = false;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stop = true;
    started = shared_->started;
  }
  shared_->wake.notify_all();
  if (started) {
    loop_.Unwatch(shared_->event_fd);
    // The worker may sit in getaddrinfo for seconds: it exits on its own, holding `shared`, and
    // writes nothing more once it sees `stop`. The descriptor goes with the last reference.
  }
}

void Resolver::WithPort(SocketAddress* address, int port) {
  if (address->storage.ss_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&address->storage)->sin_port =
        htons(static_cast<uint16_t>(port));
  } else {
    reinterpret_cast<sockaddr_in6*>(&address->storage)->sin6_port =
        htons(static_cast<uint16_t>(port));
  }
}

uint64_t Resolver::Resolve(const std::string& host, int port, Done done) {
  SocketAddress address;
  if (LiteralAddress(host, port, &address)) {
    done(true, address, "");
    return 0;
  }
  const auto cached = cache_.find(host);
  if (cached != cache_.end() && loop_.time().Now() - cached->second.at < kCacheFor) {
    Answer a = cached->second;
    if (a.ok) WithPort(&a.address, port);
    done(a.ok, a.address, a.error);
    return 0;
  }
  StartWorker();
  const uint64_t id = next_id_++;
  bool asked = false;  // one lookup per name, however many probes wait for it
  for (const auto& [other, p] : pending_) asked = asked || p.host == host;
  pending_[id] = Pending{host, port, std::move(done)};
  if (!asked) {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->queue.push_back(host);
  }
  shared_->wake.notify_one();
  return id;
}

void Resolver::Cancel(uint64_t id) { pending_.erase(id); }

void Resolver::StartWorker() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (shared_->started) return;
  shared_->started = true;
  shared_->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  loop_.Watch(shared_->event_fd, EPOLLIN, [this](uint32_t) { OnAnswers(); });
  std::thread(Work, shared_).detach();
}

void Resolver::OnAnswers() {
  uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = read(shared_->event_fd, &count, sizeof count);
  std::vector<std::pair<std::string, Answer>> answers;
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    answers.swap(shared_->done);
  }
  for (auto& [host, answer] : answers) {
    answer.at = loop_.time().Now();
    cache_[host] = answer;
    std::vector<Pending> ready;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.host != host) {
        ++it;
        continue;
      }
      ready.push_back(std::move(it->second));
      it = pending_.erase(it);
    }
    for (Pending& p : ready) {  // a callback may resolve again: pending_ is settled first
      Answer a = answer;
      if (a.ok) WithPort(&a.address, p.port);
      p.done(a.ok, a.address, a.error);
    }
  }
}

}  // namespace phpeek::health
