// A fixed set of threads that run the handler for complete requests, so that the I/O thread
// never waits on a handler (a REST control call may wait up to 2 s for a stalled supervisor loop).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace phpeek::http {

class WorkerPool {
 public:
  // Starts `threads` threads; each runs `on_start` once before its first task.
  WorkerPool(int threads, const std::function<void()>& on_start);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Post(std::function<void()> task);
  // Tasks already running finish, queued ones are dropped; returns once every thread has ended.
  // Idempotent.
  void Stop();

 private:
  void Run(const std::function<void()>& on_start);

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace phpeek::http
