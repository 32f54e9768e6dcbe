#include "plugins/metrics/held_proc_files.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace phpeek::metrics {
namespace {

void CloseHeld(const HeldProcFiles::Files& f) {
  if (f.stat >= 0) ::close(f.stat);
  if (f.children >= 0) ::close(f.children);
  if (f.fd_dir >= 0) ::close(f.fd_dir);
}

// Descriptors the process may still hold for us: half its soft limit minus what it has open.
size_t HeldFileAllowance(int root, const char* self_fd) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  const uint64_t soft = limit.rlim_cur == RLIM_INFINITY ? (1u << 20) : limit.rlim_cur;
  struct stat st {};
  // The size of a /proc/<pid>/fd directory is its descriptor count on Linux >= 6.2; 0 before,
  // and an unknown count holds nothing.
  if (::fstatat(root, self_fd, &st, 0) != 0 || st.st_size <= 0) return 0;
  const uint64_t open = static_cast<uint64_t>(st.st_size);
  return open < soft / 2 ? static_cast<size_t>(soft / 2 - open) : 0;
}

}  // namespace

HeldProcFiles::~HeldProcFiles() { ReleaseAll(); }

void HeldProcFiles::ReleaseAll() {
  for (const auto& entry : files_) CloseHeld(entry.second);
  files_.clear();
}

void HeldProcFiles::BeginRound(int root, const char* self_fd) {
  ++round_;
  allowance_ = HeldFileAllowance(root, self_fd);
  if (allowance_ == 0) ReleaseAll();  // the daemon needs its descriptors more than we do
}

const HeldProcFiles::Files* HeldProcFiles::Get(int root, pid_t pid) {
  const auto it = files_.find(pid);
  if (it != files_.end()) {
    it->second.round = round_;
    return &it->second;
  }
  if (allowance_ < 3) {
    errno = 0;
    return nullptr;
  }
  char path[48];
  std::snprintf(path, sizeof(path), "%d/stat", static_cast<int>(pid));
  Files f;
  f.stat = ::openat(root, path, O_RDONLY | O_CLOEXEC);
  if (f.stat < 0) return nullptr;  // errno says why
  std::snprintf(path, sizeof(path), "%d/task/%d/children", static_cast<int>(pid),
                static_cast<int>(pid));
  f.children = ::openat(root, path, O_RDONLY | O_CLOEXEC);
  std::snprintf(path, sizeof(path), "%d/fd", static_cast<int>(pid));
  f.fd_dir = ::openat(root, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  f.round = round_;
  allowance_ -= 3;
  return &files_.emplace(pid, f).first->second;
}

void HeldProcFiles::Drop(pid_t pid) {
  const auto it = files_.find(pid);
  if (it == files_.end()) return;
  CloseHeld(it->second);
  files_.erase(it);
}

void HeldProcFiles::EndRound() {
  std::erase_if(files_, [this](const auto& entry) {
    if (entry.second.round == round_) return false;
    CloseHeld(entry.second);
    return true;
  });
}

}  // namespace phpeek::metrics
