// The host's process-log services (plugin_abi.h: log_read, log_follow, log_next, log_unfollow) in
// memory, as the contract says they behave, for the tests of the log routes and streams: lines
// with one seq across all instances, a history that keeps the last `keep` lines per instance,
// follows with a bounded queue that drops (and counts) the newest lines when full, and the
// daemon's shutdown that closes every follow.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "plugins/common/control/backend.h"

namespace phpeek::rest::testing {

class FakeLogStore {
 public:
  // An instance that exists (and is found) before it has any line.
  void AddInstance(const std::string& process, const std::string& instance);
  // Appends a line (the instance is added when new); returns its seq.
  uint64_t Append(const std::string& process, const std::string& instance,
                  const std::string& message);
  // Lines kept per instance (default 1000); older ones go.
  void SetKeep(size_t lines);
  // Caps every follow's queue at `lines`, whatever log_follow asked (0: as asked).
  void SetFollowQueueCap(size_t lines);
  // While held, Next hands out nothing (as a reader that fell behind): lines pile up, and drop.
  void HoldNext(bool hold);
  // Closes every follow, and refuses new ones (E_STOPPING), as the daemon's shutdown does.
  void Shutdown();
  // Follows open now; calls to Next so far.
  size_t follows() const;

  control::BackendResult Read(const control::LogQuery& query, std::string* json) const;
  control::BackendResult Follow(uint32_t queue_lines, uint64_t* id);
  control::BackendResult Next(uint64_t id, std::chrono::milliseconds wait, std::string* json);
  void Unfollow(uint64_t id);

 private:
  struct Line {
    uint64_t seq;
    std::string process, instance, message;
  };
  struct FollowQueue {
    size_t max = 10000;
    std::deque<Line> queue;
    uint64_t dropped = 0;
    bool closed = false;
  };
  static void AppendEntry(std::string* out, const Line& line);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::set<std::string>> instances_;  // process -> instances
  std::map<std::string, std::deque<Line>> kept_;            // instance -> its lines
  size_t keep_ = 1000;
  size_t follow_cap_ = 0;
  bool hold_next_ = false;
  uint64_t newest_ = 0;
  uint64_t next_follow_ = 1;
  std::map<uint64_t, FollowQueue> follows_;
  bool shut_down_ = false;
};

}  // namespace phpeek::rest::testing
