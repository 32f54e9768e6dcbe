// Signal names in the configuration: SIGTERM or TERM (any case) -> number, and back. The names and
// their numbers are the SDK's (phpeek/signals.hpp), so a plugin reads them as the daemon does;
// each key accepts the subset that makes sense for it.
#pragma once

#include <string>
#include <vector>

namespace phpeek::config {

enum class SignalUse {
  kStop,     // shutdown.signal: what a process is stopped with
  kReload,   // reload_signal: any signal a process can catch
  kForward,  // forward_signals: the ones the daemon receives without a meaning of its own
  kSend,     // the API's and CLI's `signal`: every named signal
};

// Returns false when `name` is not one of the signals accepted for `use`.
bool ParseSignalName(const std::string& name, int* signal, SignalUse use = SignalUse::kStop);
// Whether the signal numbered `signal` is one of those accepted for `use`.
bool IsAcceptedSignal(int signal, SignalUse use);
// "SIGTERM" for SIGTERM; "signal N" for a number without a name here.
std::string SignalName(int signal);
// The names accepted for `use`, for hints and suggestions ("SIGTERM", "SIGQUIT", ...).
const std::vector<std::string>& KnownSignalNames(SignalUse use = SignalUse::kStop);

}  // namespace phpeek::config
