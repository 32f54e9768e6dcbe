#include "core/health/readiness_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/log/log.h"

namespace phpeek::health {
namespace {

bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// The directories leading to `path`, as the original created them (mode 0755).
void MakeParents(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
  }
}

}  // namespace

ReadinessFile::ReadinessFile(const config::Readiness& settings) : settings_(settings) {
  if (!settings_.enabled) return;
  if (unlink(settings_.path.c_str()) == 0) {
    log::Info("removed a readiness file left by an earlier run", {{"path", settings_.path}});
  }
}

std::string ReadinessFile::Content(const config::Readiness& settings, int64_t unix_seconds) {
  if (settings.content) return *settings.content;
  return "ready\ntimestamp=" + std::to_string(unix_seconds) + "\n";
}

void ReadinessFile::OnEvent(const Event& event) {
  if (!settings_.enabled) return;
  if (event.type == EventType::kShuttingDown) {
    Remove();
  } else if (event.type == EventType::kReadinessChanged) {
    event.new_state == "ready" ? Write() : Remove();
  }
}

void ReadinessFile::Write() {
  const std::string& path = settings_.path;
  MakeParents(path);
  // A fresh file of our own (O_EXCL, never through a symlink): /tmp is shared with everyone.
  const std::string temp = path + ".tmp." + std::to_string(getpid());
  unlink(temp.c_str());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  bool ok = fd >= 0 && WriteAll(fd, Content(settings_, time(nullptr)));
  int err = ok ? 0 : errno;
  if (fd >= 0) close(fd);
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    log::Error("cannot write the readiness file", {{"path", path}, {"error", std::strerror(err)}});
    if (fd >= 0) unlink(temp.c_str());
    return;
  }
  written_ = true;
  log::Info("readiness file written", {{"path", path}});
}

void ReadinessFile::Remove() {
  if (unlink(settings_.path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    log::Error("cannot remove the readiness file",
               {{"path", settings_.path}, {"error", std::strerror(errno)}});
    return;
  }
  if (written_) log::Info("readiness file removed", {{"path", settings_.path}});
  written_ = false;
}

}  // namespace phpeek::health
