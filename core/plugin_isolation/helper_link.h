// The helper's end of its socket to the daemon: requests from any plugin thread (each waits for
// the reply with its id), one-way messages (log lines, replies), and a reader thread that routes
// what the daemon sends: replies to their callers, events to the plugin's dispatcher, kPing
// answered at once, kStop handed to the main thread. When the daemon closes the link the helper
// has nothing left to do: the reader ends the process (exit 1), as PR_SET_PDEATHSIG does when the
// daemon dies.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/global_json.h"
#include "core/plugin_isolation/frame.h"

namespace phpeek::plugin_isolation {

class HelperLink {
 public:
  explicit HelperLink(int fd) : fd_(fd) {}
  HelperLink(const HelperLink&) = delete;
  HelperLink& operator=(const HelperLink&) = delete;

  // Before Run, on the main thread: the first frame (kStart). False when the link is closed.
  bool ReadFirst(Frame* out, std::string* err);
  // Starts the reader thread (detached: it ends with the process). `global` is the helper's copy
  // of the global block, replaced by kGlobal after a reload.
  void Run(plugin_host::EventDispatcher* events, plugin_host::GlobalJson* global);

  // Thread-safe. Sends `request` (its id is set here) and waits for the reply: code, output and
  // error text, and the reply's integer after them when `extra` is set (kLogFollow's id; 0 when
  // the reply has none). Other callers' requests go on meanwhile: each waits for its own reply.
  int32_t Call(Frame request, std::string* out, std::string* err, int64_t* extra = nullptr);
  // Thread-safe; a lost link is noticed by the reader.
  void Send(const Frame& frame);
  void Reply(uint64_t id, int32_t code, const std::string& err);
  // Main thread: waits for kStop; *id is its request id, *drain_ms its field.
  void WaitForStop(uint64_t* id, int64_t* drain_ms);

 private:
  struct Pending {
    bool done = false;
    int32_t code = 0;
    std::string out, err;
    int64_t extra = 0;
  };
  void Read(plugin_host::EventDispatcher* events, plugin_host::GlobalJson* global);
  void Route(const Frame& frame, plugin_host::EventDispatcher* events,
             plugin_host::GlobalJson* global);

  const int fd_;
  FrameDecoder decoder_;
  std::mutex write_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_id_ = 1;                  // guarded by mu_
  std::map<uint64_t, Pending*> pending_;  // guarded by mu_
  bool stop_ = false;                     // guarded by mu_
  uint64_t stop_id_ = 0;
  int64_t drain_ms_ = 0;
};

}  // namespace phpeek::plugin_isolation
