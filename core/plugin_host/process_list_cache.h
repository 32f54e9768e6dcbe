// The process_list host service's JSON, kept per plugin and written again only when the supervisor
// publishes a new snapshot. A plugin such as the Management API asks for the whole list on every
// request; copying the snapshot and writing ~9 KB of JSON each time (100 instances) was a large
// part of the daemon's CPU under API load, although the list changes only on state changes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/supervisor/control.h"

namespace phpeek::plugin_host {

class ProcessListCache {
 public:
  // ProcessListJson(control.Snapshot()): the kept text while control.SnapshotGeneration() is the
  // one it was written for, else written anew (always anew for a Control without generations).
  // Thread-safe; the lock is held only to read or replace the kept pointer.
  std::shared_ptr<const std::string> Get(const Control& control);

 private:
  std::mutex mu_;
  uint64_t generation_ = 0;                  // guarded by mu_
  std::shared_ptr<const std::string> json_;  // guarded by mu_
};

}  // namespace phpeek::plugin_host
