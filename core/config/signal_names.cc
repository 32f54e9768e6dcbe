#include "core/config/signal_names.h"

#include <algorithm>
#include <csignal>

#include "phpeek/signals.hpp"

namespace phpeek::config {
namespace {

bool AcceptedFor(SignalUse use, int signal) {
  switch (use) {
    case SignalUse::kStop:  // configuration.md, `shutdown.signal`
      return signal == SIGTERM || signal == SIGQUIT || signal == SIGINT || signal == SIGHUP ||
             signal == SIGUSR1 || signal == SIGUSR2 || signal == SIGWINCH || signal == SIGKILL;
    case SignalUse::kReload:
      return signal != SIGKILL && signal != SIGSTOP;
    case SignalUse::kForward:  // TERM, INT, QUIT and HUP stop or reload the daemon itself
      return signal == SIGUSR1 || signal == SIGUSR2 || signal == SIGWINCH || signal == SIGTTIN ||
             signal == SIGTTOU || signal == SIGALRM || signal == SIGPWR;
    case SignalUse::kSend:
      return true;
  }
  return false;
}

}  // namespace

bool ParseSignalName(const std::string& name, int* signal, SignalUse use) {
  const int number = signals::Number(name);
  if (number == 0 || !AcceptedFor(use, number)) return false;
  *signal = number;
  return true;
}

bool IsAcceptedSignal(int signal, SignalUse use) {
  return signals::Name(signal) != nullptr && AcceptedFor(use, signal);
}

std::string SignalName(int signal) {
  const char* name = signals::Name(signal);
  return name ? name : "signal " + std::to_string(signal);
}

const std::vector<std::string>& KnownSignalNames(SignalUse use) {
  static const auto names = [] {
    std::vector<std::vector<std::string>> all(4);
    for (const auto& s : signals::kNamed) {
      for (SignalUse u :
           {SignalUse::kStop, SignalUse::kReload, SignalUse::kForward, SignalUse::kSend}) {
        if (AcceptedFor(u, s.number)) all[static_cast<size_t>(u)].emplace_back(s.name);
      }
    }
    return all;
  }();
  return names[static_cast<size_t>(use)];
}

}  // namespace phpeek::config
