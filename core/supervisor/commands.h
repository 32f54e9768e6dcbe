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

#include "core/supervisor/control.h"

namespace phpeek::supervisor {

// Where the loop leaves its answer to a command whose caller waits for one (Control::ControlJob).
class ReplySlot {
 public:
  void Set(JobReply reply);
  // The answer, or nullopt when none came by `deadline`.
  std::optional<JobReply> Wait(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<JobReply> reply_;  // guarded by mu_
};

struct Command {
  ControlOp op = ControlOp::kStart;
  std::string process;
  int arg = 0;
  bool shutdown = false;             // RequestShutdown: op/process are ignored
  std::optional<JobOp> job_op;       // set: a scheduled job's command instead of `op`
  std::shared_ptr<ReplySlot> reply;  // set when the caller waits for the answer
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
