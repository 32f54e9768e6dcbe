// Starts one plugin-host helper: `/proc/self/exe plugin-host --parent PID` with its end of a new
// socket pair as descriptor 3 and nothing else inherited but stdin, stdout and stderr (every other
// descriptor is closed in the child, whatever its close-on-exec flag), in a process group of its
// own (a terminal's Ctrl-C is the daemon's to handle), with no signal blocked. The pid is
// registered in process::helper_children before the loop can reap it. The calling thread must
// live as long as the helper: PR_SET_PDEATHSIG fires when it ends.
#pragma once

#include <sys/types.h>

#include <string>

namespace phpeek::plugin_isolation {

struct HelperProcess {
  pid_t pid = -1;
  int fd = -1;  // the daemon's end: non-blocking, close-on-exec
};

bool SpawnHelper(HelperProcess* out, std::string* err);

}  // namespace phpeek::plugin_isolation
