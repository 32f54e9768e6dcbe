// The thread that spawns a plugin's helpers. A process inherits the nice value of the thread that
// spawns it, and the link thread runs at nice 19 (so that a busy plugin's host calls never delay
// supervision): a helper spawned there would run at nice 19 for its whole life, and beside busy
// children its start alone took 10 s while every process of the daemon waited for it. This
// thread has the priority of the thread that made it (the daemon's main thread at Start), and
// lives as long as the plugin: a helper's PR_SET_PDEATHSIG fires when the thread that spawned it
// ends.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "core/plugin_isolation/helper_process.h"

namespace phpeek::plugin_isolation {

class SpawnThread {
 public:
  SpawnThread();
  ~SpawnThread();  // after every helper it spawned has ended
  SpawnThread(const SpawnThread&) = delete;
  SpawnThread& operator=(const SpawnThread&) = delete;

  // SpawnHelper, run on this thread; waits for its result. One caller at a time.
  bool Spawn(HelperProcess* out, std::string* err);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  HelperProcess* out_ = nullptr;  // guarded by mu_: the request, until answered
  std::string* err_ = nullptr;
  bool answered_ = false;
  bool ok_ = false;
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace phpeek::plugin_isolation
