// Signal names accepted in `shutdown.signal`: SIGTERM or TERM (any case) -> number, and back.
#pragma once

#include <string>
#include <vector>

namespace phpeek::config {

// Returns false when `name` is not one of the supported signals.
bool ParseSignalName(const std::string& name, int* signal);
// "SIGTERM" for SIGTERM; "signal N" for a number without a name here.
std::string SignalName(int signal);
// The supported names, for hints and suggestions ("SIGTERM", "SIGQUIT", ...).
const std::vector<std::string>& KnownSignalNames();

}  // namespace phpeek::config
