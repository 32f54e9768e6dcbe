// The thread-safe inbox between Control callers (any thread) and the loop. Push appends under a
// mutex and wakes the loop through an eventfd; the loop drains everything at once and applies it
// in arrival order.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "core/supervisor/control.h"

namespace phpeek::supervisor {

struct Command {
  ControlOp op = ControlOp::kStart;
  std::string process;
  int arg = 0;
  bool shutdown = false;  // RequestShutdown: op/process are ignored
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
