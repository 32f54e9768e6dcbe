#include "plugins/common/http/thread_priority.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

namespace phpeek::http {

void LowerThreadPriority() {
  // Pool threads live on and serve many connections: one system call per thread is enough.
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  const pid_t tid = ::gettid();
  errno = 0;
  const int current = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (errno != 0 || current >= kLowPriorityNice) return;
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), kLowPriorityNice);
}

}  // namespace phpeek::http
