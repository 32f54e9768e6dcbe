#include "core/plugin_isolation/spawn_thread.h"

namespace phpeek::plugin_isolation {

SpawnThread::SpawnThread() : thread_([this] { Run(); }) {}

SpawnThread::~SpawnThread() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

bool SpawnThread::Spawn(HelperProcess* out, std::string* err) {
  std::unique_lock<std::mutex> lock(mu_);
  out_ = out;
  err_ = err;
  answered_ = false;
  cv_.notify_all();
  cv_.wait(lock, [&] { return answered_; });
  return ok_;
}

void SpawnThread::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return quit_ || out_ != nullptr; });
    if (quit_) return;
    ok_ = SpawnHelper(out_, err_);
    out_ = nullptr;
    answered_ = true;
    cv_.notify_all();
  }
}

}  // namespace phpeek::plugin_isolation
