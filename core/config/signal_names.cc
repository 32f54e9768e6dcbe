#include "core/config/signal_names.h"

#include <algorithm>
#include <cctype>
#include <csignal>

namespace phpeek::config {
namespace {

struct SignalEntry {
  const char* name;
  int number;
};

// The signals that make sense to stop a process with (configuration.md, `shutdown.signal`).
constexpr SignalEntry kSignals[] = {
    {"SIGTERM", SIGTERM}, {"SIGQUIT", SIGQUIT}, {"SIGINT", SIGINT},     {"SIGHUP", SIGHUP},
    {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGWINCH", SIGWINCH}, {"SIGKILL", SIGKILL},
};

}  // namespace

bool ParseSignalName(const std::string& name, int* signal) {
  std::string upper(name);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.rfind("SIG", 0) != 0) upper = "SIG" + upper;
  for (const auto& s : kSignals) {
    if (upper == s.name) {
      *signal = s.number;
      return true;
    }
  }
  return false;
}

std::string SignalName(int signal) {
  for (const auto& s : kSignals) {
    if (s.number == signal) return s.name;
  }
  return "signal " + std::to_string(signal);
}

const std::vector<std::string>& KnownSignalNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& s : kSignals) v.emplace_back(s.name);
    return v;
  }();
  return names;
}

}  // namespace phpeek::config
