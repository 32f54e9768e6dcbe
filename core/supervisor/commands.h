// The thread-safe inbox between Control callers (any thread) and the loop. Push appends under a
// mutex and wakes the loop through an eventfd; the loop drains everything at once and applies it
// in arrival order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/reload/reload_result.h"
#include "core/supervisor/control.h"

namespace phpeek::supervisor {

// Where the loop (or the reload thread) leaves its answer to a caller that waits for one.
template <typename T>
class AnswerSlot {
 public:
  void Set(T answer) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      answer_ = std::move(answer);
    }
    cv_.notify_all();
  }
  // The answer, or nullopt when none came by `deadline`.
  std::optional<T> Wait(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_until(lock, deadline, [this] { return answer_.has_value(); });
    return answer_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<T> answer_;  // guarded by mu_
};

using ReplySlot = AnswerSlot<JobReply>;               // Control::ControlJob
using ReloadSlot = AnswerSlot<reload::ReloadResult>;  // Control::ReloadConfig

struct Command {
  ControlOp op = ControlOp::kStart;
  std::string process;
  int arg = 0;
  bool shutdown = false;             // RequestShutdown: op/process are ignored
  std::optional<JobOp> job_op;       // set: a scheduled job's command instead of `op`
  std::shared_ptr<ReplySlot> reply;  // set when the caller waits for the answer
  // Set: put this (loaded and valid) configuration in force, and answer in `reload_reply`.
  std::shared_ptr<const config::Config> reload;
  std::shared_ptr<ReloadSlot> reload_reply;
};

// One reload at a time: Begin before the file is read, Finish once the outcome is known (the file
// was invalid, or the loop applied or refused it). Counts outcomes for the metrics. Thread-safe.
class ReloadGate {
 public:
  // False when a reload is under way already.
  bool Begin();
  void Finish(const reload::ReloadResult& result);
  reload::ReloadStats Stats() const;
  // The configuration loaded at start-up counts as the first successful load.
  void SetStartupLoad(int64_t unix_ms);

 private:
  mutable std::mutex mu_;
  bool busy_ = false;          // guarded by mu_
  reload::ReloadStats stats_;  // guarded by mu_
};

class CommandInbox {
 public:
  CommandInbox();  // creates the eventfd (close-on-exec, non-blocking)
  ~CommandInbox();
  CommandInbox(const CommandInbox&) = delete;
  CommandInbox& operator=(const CommandInbox&) = delete;

  int fd() const { return event_fd_; }
  void Push(Command command);
  // Loop thread: clears the eventfd and returns everything queued so far.
  std::vector<Command> Drain();

 private:
  int event_fd_;
  std::mutex mu_;
  std::deque<Command> queue_;  // guarded by mu_
};

}  // namespace phpeek::supervisor
