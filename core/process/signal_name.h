// A signal number as people read it in a log line: "SIGTERM", "SIGRTMIN+3", "signal N" when the
// number has no name.
#pragma once

#include <string>

namespace phpeek::process {

std::string SignalName(int sig);

}  // namespace phpeek::process
