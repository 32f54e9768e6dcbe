#include "core/plugin_isolation/frame_io.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace phpeek::plugin_isolation {

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool ReadFrame(int fd, FrameDecoder* decoder, Frame* out, std::string* err) {
  char buf[65536];
  while (true) {
    switch (decoder->Next(out, err)) {
      case FrameDecoder::Result::kFrame:
        return true;
      case FrameDecoder::Result::kError:
        return false;
      case FrameDecoder::Result::kNeedMore:
        break;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) *err = std::string("read: ") + std::strerror(errno);
    if (n <= 0) return false;
    decoder->Feed(buf, static_cast<size_t>(n));
  }
}

}  // namespace phpeek::plugin_isolation
