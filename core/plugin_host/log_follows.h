// One plugin's log follows (the log_follow host service): each a Follower of the process-log
// history under an id that log_next and log_unfollow name. The ids are unique across the daemon's
// plugins, so one plugin cannot reach another's follow. A follow ends with log_unfollow, or with
// its plugin: when the plugin is destroyed or its helper process ends, CloseAll closes what is
// left (a log_next waiting on one returns at once, closed), so no follower outlives its reader.
//
// Thread-safety: every method, from any thread; a lookup hands out a shared pointer, so a
// log_next may wait on a follow while another thread ends it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "core/process_logs/follower.h"

namespace phpeek::plugin_host {

class LogFollows {
 public:
  LogFollows() = default;
  ~LogFollows() { CloseAll(); }
  LogFollows(const LogFollows&) = delete;
  LogFollows& operator=(const LogFollows&) = delete;

  // Keeps `follower` under a new id (never 0).
  uint64_t Add(process_logs::Follower follower);
  // Null for an unknown (or ended) id.
  std::shared_ptr<process_logs::Follower> Find(uint64_t id) const;
  // Ends the follow: closed at once, forgotten. False for an unknown id.
  bool Remove(uint64_t id);
  void CloseAll();
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<process_logs::Follower>> follows_;  // guarded by mu_
};

}  // namespace phpeek::plugin_host
