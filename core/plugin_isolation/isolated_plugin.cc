#include "core/plugin_isolation/isolated_plugin.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "core/log/log.h"
#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/log_json.h"
#include "core/plugin_host/log_services.h"
#include "core/plugin_isolation/event_frame.h"
#include "core/plugin_isolation/frame.h"
#include "core/plugin_isolation/helper_process.h"
#include "core/plugin_isolation/host_requests.h"
#include "core/plugin_isolation/protocol.h"
#include "core/process/backoff.h"
#include "core/process/helper_children.h"
#include "core/process/signal_name.h"

namespace phpeek::plugin_isolation {

using Clock = std::chrono::steady_clock;

namespace {

constexpr uint64_t kStartId = 1;
constexpr uint64_t kStopId = 2;
constexpr uint64_t kFirstPingId = 3;
constexpr size_t kMaxBlockingCalls = 32;
// Events wait in the queue (where the oldest is dropped) while this much is still unsent.
constexpr size_t kEventBacklogBytes = 1u << 20;
// A helper that leaves this much of our output unread is not reading: it counts as hung.
constexpr size_t kMaxUnsentBytes = 64u << 20;

int64_t MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<Millis>(Clock::now() - t).count();
}

void Wake(int fd) {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = write(fd, &one, sizeof one);
}

}  // namespace

// The plugin's host context and what the request threads hand back; outlives a request thread
// that is still waiting in job_wait when the plugin is shut down.
struct IsolatedPlugin::Shared {
  phpeek_host host;
  int wake_fd = -1;
  std::mutex mu;
  std::deque<std::shared_ptr<const plugin_host::AbiEvent>> events;  // guarded by mu
  uint64_t dropped = 0;                                             // guarded by mu
  bool connected = false;            // a helper runs: events are queued for it; guarded by mu
  std::vector<std::string> replies;  // encoded, from request threads; guarded by mu
  size_t blocking_calls = 0;         // guarded by mu
  ~Shared() {
    host.log_follows.CloseAll();  // their wake-ups write to wake_fd: none after this
    if (wake_fd >= 0) close(wake_fd);
  }
};

// A log_next that waits for lines: answered by the link thread once its follow is ready (lines,
// a drop, closed) or its time is up, with no thread held meanwhile.
struct PendingNext {
  uint64_t request_id = 0;
  std::shared_ptr<process_logs::Follower> follower;
  Clock::time_point deadline{};
};

struct IsolatedPlugin::Helper {
  HelperProcess proc;
  FrameDecoder decoder;
  std::string out;  // encoded frames not yet written
  bool started = false;
  bool stop_sent = false;
  Clock::time_point stop_deadline{};
  uint64_t ping_id = 0;  // outstanding ping, 0 if none
  Clock::time_point ping_sent{};
  Clock::time_point next_ping{};
  uint64_t next_ping_id = kFirstPingId;
  bool killed = false;
  std::vector<PendingNext> nexts;
};

IsolatedPlugin::IsolatedPlugin(plugin_host::LoadedPlugin plugin,
                               const plugin_host::LifecycleOptions& lifecycle,
                               const IsolationOptions& isolation)
    : plugin_(std::move(plugin)),
      lifecycle_(lifecycle),
      isolation_(isolation),
      shared_(std::make_shared<Shared>()) {
  shared_->host.plugin_name = plugin_.name;
  shared_->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

IsolatedPlugin::~IsolatedPlugin() { Shutdown(Clock::now() + lifecycle_.shutdown_timeout); }

bool IsolatedPlugin::Init(Control* control, const plugin_host::GlobalJson* global_json,
                          const std::atomic<bool>* stopping, std::string*) {
  shared_->host.control = control;
  shared_->host.global_json = global_json;
  shared_->host.host_stopping = stopping;
  return true;  // init runs in the helper, at Start
}

bool IsolatedPlugin::Start(std::string* err) {
  if (shared_->wake_fd < 0) {
    *err = "plugin '" + name() + "' cannot run in a process: eventfd: " + std::strerror(errno);
    return false;
  }
  spawner_ = std::make_unique<SpawnThread>();
  link_ = std::thread([this] { Link(); });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return first_ != First::kWaiting; });
  if (first_ != First::kRefused) return true;
  *err = "plugin '" + name() + "' (isolation: process) " + first_error_;
  lock.unlock();
  link_.join();
  done_ = true;
  return false;
}

void IsolatedPlugin::ReportFirst(First outcome, const std::string& err) {
  std::lock_guard<std::mutex> lock(mu_);
  if (first_ != First::kWaiting) return;
  first_ = outcome;
  first_error_ = err;
  cv_.notify_all();
}

void IsolatedPlugin::Push(const std::shared_ptr<const plugin_host::AbiEvent>& event) {
  if (event->since_minor > plugin_.negotiated_minor) return;
  Shared& s = *shared_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (!s.connected) return;  // as in-process: no subscriber, no delivery
    if (s.events.size() >= lifecycle_.queue_capacity) {
      s.events.pop_front();
      ++s.dropped;
    }
    s.events.push_back(event);
  }
  Wake(s.wake_fd);
}

bool IsolatedPlugin::Shutdown(Clock::time_point deadline) {
  if (done_ || !link_.joinable()) {
    done_ = true;
    return clean_;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
    deadline_ = deadline;
    cv_.notify_all();
  }
  Wake(shared_->wake_fd);
  link_.join();
  done_ = true;
  return clean_;
}

// One line: which plugin, which helper, how it ended, when it comes back.
static void LogEnded(const char* msg, const std::string& plugin, pid_t pid,
                     std::optional<int> status, Millis delay) {
  const int64_t id = pid;
  const int64_t in_ms = delay.count();
  if (status && WIFSIGNALED(*status)) {
    log::Error(msg, {{"plugin", plugin},
                     {"pid", id},
                     {"signal", process::SignalName(WTERMSIG(*status))},
                     {"restart_in_ms", in_ms}});
  } else if (status && WIFEXITED(*status)) {
    log::Error(msg, {{"plugin", plugin},
                     {"pid", id},
                     {"exit_code", WEXITSTATUS(*status)},
                     {"restart_in_ms", in_ms}});
  } else {
    log::Error(msg, {{"plugin", plugin}, {"pid", id}, {"restart_in_ms", in_ms}});
  }
}

void IsolatedPlugin::Link() {
  // What this thread does for the plugin (its host calls, a process list per API request) must
  // not delay supervision when the plugin is busy: the lowest priority, as the first-party
  // servers give their own threads. (Request threads inherit it.)
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
  process::RestartParams backoff;
  backoff.backoff_initial = isolation_.backoff_initial;
  backoff.backoff_max = isolation_.backoff_max;
  int quick_failures = 0;
  for (int run = 0;; ++run) {
    Helper helper;
    std::string err;
    const auto began = Clock::now();
    bool quitting = false;
    if (!spawner_->Spawn(&helper.proc, &err)) {
      log::Error("cannot start the plugin's host process", {{"plugin", name()}, {"error", err}});
    } else {
      if (run == 0) {
        log::Info("plugin host process started",
                  {{"plugin", name()}, {"pid", static_cast<int64_t>(helper.proc.pid)}});
      }
      quitting = RunHelper(&helper);
      close(helper.proc.fd);
      helper.nexts.clear();
      shared_->host.log_follows.CloseAll();  // its follows end with it
      {
        std::lock_guard<std::mutex> lock(shared_->mu);
        shared_->connected = false;
        shared_->events.clear();
      }
      auto status = process::helper_children::WaitExit(helper.proc.pid,
                                                       Clock::now() + std::chrono::seconds(2));
      if (!status) {
        kill(helper.proc.pid, SIGKILL);
        helper.killed = true;
        status = process::helper_children::WaitExit(helper.proc.pid,
                                                    Clock::now() + std::chrono::seconds(5));
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        quitting = quitting || quit_;  // it ended while the daemon stops: no restart
      }
      const bool abnormal = !status || !WIFEXITED(*status) || WEXITSTATUS(*status) != 0;
      if (quitting && abnormal && !helper.killed) {
        const std::string how = !status ? std::string("unknown")
                                : WIFSIGNALED(*status)
                                    ? process::SignalName(WTERMSIG(*status))
                                    : "exit " + std::to_string(WEXITSTATUS(*status));
        log::Error("plugin host process ended abnormally while the daemon stopped",
                   {{"plugin", name()},
                    {"pid", static_cast<int64_t>(helper.proc.pid)},
                    {"ended_by", how}});
        clean_ = false;
      }
      if (quitting) break;
      if (!helper.started) {
        std::lock_guard<std::mutex> lock(mu_);
        if (first_ == First::kRefused) return;  // Start reports it; the daemon does not start
      }
      quick_failures = MillisSince(began) >= isolation_.min_uptime.count() ? 1 : quick_failures + 1;
      const Millis delay = process::BackoffDelay(backoff, quick_failures);
      LogEnded("plugin host process ended; restarting the plugin", name(), helper.proc.pid, status,
               delay);
      ReportFirst(First::kEnded);
      if (!Backoff(delay)) break;
      continue;
    }
    ReportFirst(First::kEnded);
    if (quitting) break;
    quick_failures++;
    if (!Backoff(process::BackoffDelay(backoff, quick_failures))) break;
  }
  ReportFirst(First::kEnded);
  // A job_wait still being served uses the supervisor, which does not outlive the plugin host.
  Clock::time_point deadline;
  {
    std::lock_guard<std::mutex> lock(mu_);
    deadline = std::max(deadline_, Clock::now() + lifecycle_.min_wait);
  }
  while (Clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->blocking_calls == 0) break;
    }
    std::this_thread::sleep_for(Millis(10));
  }
}

bool IsolatedPlugin::Backoff(Millis delay) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, delay, [&] { return quit_; });
}

// The helper's requests, and its answers to ours.
void IsolatedPlugin::Handle(Helper* h, const Frame& frame) {
  Shared& s = *shared_;
  if (frame.kind != kReply) {
    if (frame.kind == kLogNext && DeferNext(h, frame)) return;
    if (!MayBlock(frame)) {
      Frame reply;
      if (ServeRequest(frame, &s.host, &reply)) h->out += EncodeFrame(reply);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(s.mu);
      if (s.blocking_calls >= kMaxBlockingCalls) {
        Frame busy(kReply, frame.id);
        busy.Int(PHPEEK_E_INTERNAL).Str("").Str("too many waiting calls in flight");
        h->out += EncodeFrame(busy);
        return;
      }
      ++s.blocking_calls;
    }
    std::thread([shared = shared_, frame] {
      Frame reply;
      ServeRequest(frame, &shared->host, &reply);
      {
        std::lock_guard<std::mutex> lock(shared->mu);
        shared->replies.push_back(EncodeFrame(reply));
        --shared->blocking_calls;
      }
      Wake(shared->wake_fd);
    }).detach();
    return;
  }
  FieldReader r(frame);
  const auto code = static_cast<int32_t>(r.Int());
  r.Str();
  const std::string err = r.Str();
  if (frame.id == kStartId) {
    if (code == PHPEEK_OK) {
      h->started = true;
      bool first = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        first = first_ == First::kWaiting;
      }
      if (first) {
        ReportFirst(First::kStarted);
      } else {
        log::Info("plugin restarted",
                  {{"plugin", name()}, {"pid", static_cast<int64_t>(h->proc.pid)}});
      }
    } else {
      ReportFirst(First::kRefused, err);
      log::Error("plugin failed to start in its host process",
                 {{"plugin", name()}, {"error", err}});
    }
  } else if (frame.id == kStopId) {
    if (code != PHPEEK_OK) {
      log::Error(
          "plugin stop failed",
          {{"plugin", name()}, {"error", err.empty() ? plugin_host::StatusName(code) : err}});
    }
  } else if (frame.id == h->ping_id) {
    h->ping_id = 0;
    h->next_ping = Clock::now() + isolation_.ping_every;
  }
}

// A log_next that would wait: kept in h->nexts, its follow set to wake the link thread. One that
// need not wait (timeout 0, an unknown id, lines already there) is served at once, with timeout 0
// (another reader of the same follow may have taken the lines in between).
bool IsolatedPlugin::DeferNext(Helper* h, const Frame& frame) {
  FieldReader r(frame);
  const auto id = static_cast<uint64_t>(r.Int());
  const int64_t timeout_ms = r.Int();
  if (!r.ok()) return false;
  auto follower = shared_->host.log_follows.Find(id);
  if (timeout_ms > 0 && follower && !follower->Ready()) {
    h->nexts.push_back({frame.id, std::move(follower), Clock::now() + Millis(timeout_ms)});
    return true;
  }
  Frame now(kLogNext, frame.id);
  now.Int(static_cast<int64_t>(id)).Int(0);
  Frame reply;
  if (ServeRequest(now, &shared_->host, &reply)) h->out += EncodeFrame(reply);
  return true;
}

// Answers the waiting log_next calls whose follow is ready or whose time is up; the others get
// their follow's wake-up set again (it fires once).
void IsolatedPlugin::AnswerNexts(Helper* h) {
  const auto now = Clock::now();
  const int fd = shared_->wake_fd;
  for (auto it = h->nexts.begin(); it != h->nexts.end();) {
    if (!it->follower->Ready() && now < it->deadline) {
      it->follower->WakeWhenReady([fd] { Wake(fd); });
      ++it;
      continue;
    }
    Frame reply(kReply, it->request_id);
    reply.Int(PHPEEK_OK)
        .Str(plugin_host::LogBatchJson(it->follower->Take(plugin_host::kMaxBatchBytes)))
        .Str("");
    h->out += EncodeFrame(reply);
    it = h->nexts.erase(it);
  }
}

// Queues what goes to the helper: replies of request threads, events, kStop once the daemon stops.
void IsolatedPlugin::Collect(Helper* h) {
  AnswerNexts(h);
  Shared& s = *shared_;
  uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    for (const std::string& reply : s.replies) h->out += reply;
    s.replies.clear();
    while (!s.events.empty() && h->out.size() < kEventBacklogBytes) {
      if (s.events.front()->type == PHPEEK_EVENT_CONFIG_RELOADED) {  // the block it announces
        h->out += EncodeFrame(std::move(Frame(kGlobal, 0).Str(*s.host.global_json->Get())));
      }
      h->out += EncodeFrame(EventFrame(*s.events.front()));
      s.events.pop_front();
    }
    dropped = std::exchange(s.dropped, 0);
  }
  if (dropped > 0) {
    log::Warn("plugin event queue full; oldest events dropped",
              {{"plugin", name()}, {"dropped", static_cast<int64_t>(dropped)}});
  }
  bool quit = false;
  Clock::time_point deadline;
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit = quit_;
    deadline = deadline_;
  }
  if (!quit || h->stop_sent) return;
  const auto now = Clock::now();
  h->stop_sent = true;
  h->stop_deadline = std::max(deadline, now + lifecycle_.min_wait);
  if (!h->started) {  // still in init or start: there is nothing to stop gracefully
    Kill(h, "plugin host process had not started the plugin when the daemon stopped; killing it");
    return;
  }
  const Millis drain =
      std::clamp(std::chrono::duration_cast<Millis>(deadline - now), Millis(0), lifecycle_.budget);
  Frame stop(kStop, kStopId);
  stop.Int(drain.count());
  h->out += EncodeFrame(stop);
}

void IsolatedPlugin::Kill(Helper* h, const char* why) {
  if (h->killed) return;
  log::Error(why, {{"plugin", name()}, {"pid", static_cast<int64_t>(h->proc.pid)}});
  kill(h->proc.pid, SIGKILL);
  h->killed = true;
}

// Deadlines: the stop, a ping left unanswered, output left unread.
void IsolatedPlugin::Watch(Helper* h) {
  const auto now = Clock::now();
  if (h->stop_sent && now >= h->stop_deadline && !h->killed) {
    Kill(h, "plugin did not stop by the shutdown deadline; killing its host process");
    clean_ = false;
  }
  if (!h->started || h->stop_sent) return;
  if (h->ping_id == 0 && now >= h->next_ping) {
    h->ping_id = h->next_ping_id++;
    h->ping_sent = now;
    h->out += EncodeFrame(Frame(kPing, h->ping_id));
  }
  if (h->ping_id != 0 && now - h->ping_sent >= isolation_.hang_timeout) {
    Kill(h, "plugin host process is not answering; killing it");
  }
  if (h->out.size() > kMaxUnsentBytes) {
    Kill(h, "plugin host process does not read what the daemon sends; killing it");
  }
}

// Sends what it can without waiting; false once the helper is gone.
bool IsolatedPlugin::Flush(Helper* h) {
  while (!h->out.empty()) {
    const ssize_t n = send(h->proc.fd, h->out.data(), h->out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      h->out.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return true;
}

// Reads what is there without waiting; false at the end of the stream (or a corrupt one). The
// frames read before the end are handled first: a helper that refuses to start writes its answer
// and exits at once, and that answer must not be lost with the hang-up.
bool IsolatedPlugin::Receive(Helper* h) {
  char buf[65536];
  bool open = true;
  while (true) {
    const ssize_t n = recv(h->proc.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      open = false;
      break;
    }
    h->decoder.Feed(buf, static_cast<size_t>(n));
  }
  Frame frame;
  std::string err;
  while (true) {
    switch (h->decoder.Next(&frame, &err)) {
      case FrameDecoder::Result::kFrame:
        Handle(h, frame);
        break;
      case FrameDecoder::Result::kNeedMore:
        return open;
      case FrameDecoder::Result::kError:
        log::Error("plugin host process sent a corrupt message",
                   {{"plugin", name()}, {"error", err}});
        Kill(h, "plugin host process broke the protocol; killing it");
        return false;
    }
  }
}

// Until the next deadline Watch checks (at most 1 s).
int IsolatedPlugin::WaitMs(const Helper& h) const {
  const auto now = Clock::now();
  auto until = now + std::chrono::seconds(1);
  if (h.stop_sent && !h.killed) until = std::min(until, h.stop_deadline);
  if (h.started && !h.stop_sent) {
    until = std::min(until, h.ping_id == 0 ? h.next_ping : h.ping_sent + isolation_.hang_timeout);
  }
  for (const PendingNext& next : h.nexts) until = std::min(until, next.deadline);
  const auto ms = std::chrono::duration_cast<Millis>(until - now).count() + 1;
  return static_cast<int>(std::clamp<int64_t>(ms, 0, 1000));
}

bool IsolatedPlugin::RunHelper(Helper* h) {
  Shared& s = *shared_;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.connected = true;
    s.events.clear();
    s.replies.clear();
    s.dropped = 0;
  }
  Frame start(kStart, kStartId);
  start.Str(plugin_.name).Str(plugin_.path).Str(*s.host.global_json->Get());
  h->out = EncodeFrame(start);
  h->next_ping = Clock::now() + isolation_.ping_every;
  while (true) {
    Collect(h);
    Watch(h);
    if (!Flush(h)) return h->stop_sent;
    pollfd fds[2] = {{h->proc.fd, static_cast<short>(POLLIN | (h->out.empty() ? 0 : POLLOUT)), 0},
                     {s.wake_fd, POLLIN, 0}};
    if (poll(fds, 2, WaitMs(*h)) < 0 && errno != EINTR) return h->stop_sent;
    if (fds[1].revents & POLLIN) {
      uint64_t count = 0;
      [[maybe_unused]] const ssize_t n = read(s.wake_fd, &count, sizeof count);
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && !Receive(h)) return h->stop_sent;
  }
}

}  // namespace phpeek::plugin_isolation
