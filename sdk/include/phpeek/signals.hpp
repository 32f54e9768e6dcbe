// Signal names as phpeek-pm reads and writes them (header-only C++17, no dependencies): "SIGUSR2",
// and "USR2", "usr2" or "sigusr2" read the same. The numbers are this platform's <csignal> ones,
// the same in the daemon and in a plugin loaded into it: PHPEEK_OP_SIGNAL's arg is one of them.
//
//   int sig = phpeek::signals::Number(text);       // 0: not a signal name phpeek-pm knows
//   const char* name = phpeek::signals::Name(sig);  // "SIGUSR2"; nullptr for a number not listed
#ifndef PHPEEK_SIGNALS_HPP
#define PHPEEK_SIGNALS_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "phpeek/signals.hpp needs C++17 or later (phpeek_add_plugin requires it for C++ plugins)"
#endif

#include <csignal>
#include <cstddef>
#include <string_view>

namespace phpeek {
namespace signals {

struct Named {
  const char* name;
  int number;
};

// Every signal a process supervisor has a reason to send (stop, reload, reopen logs, scale a
// pool, suspend, resume); the daemon's keys each accept a subset of these.
inline constexpr Named kNamed[] = {
    {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT},   {"SIGKILL", SIGKILL},
    {"SIGUSR1", SIGUSR1}, {"SIGUSR2", SIGUSR2}, {"SIGALRM", SIGALRM},   {"SIGTERM", SIGTERM},
    {"SIGCONT", SIGCONT}, {"SIGSTOP", SIGSTOP}, {"SIGTSTP", SIGTSTP},   {"SIGTTIN", SIGTTIN},
    {"SIGTTOU", SIGTTOU}, {"SIGPWR", SIGPWR},   {"SIGWINCH", SIGWINCH},
};

namespace detail {
inline bool SameIgnoringCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}
}  // namespace detail

// The number of `name` (with or without "SIG", any case), or 0 when it is none of kNamed.
inline int Number(std::string_view name) noexcept {
  for (const Named& s : kNamed) {
    const std::string_view full(s.name);
    if (detail::SameIgnoringCase(name, full) || detail::SameIgnoringCase(name, full.substr(3))) {
      return s.number;
    }
  }
  return 0;
}

// "SIGUSR2" for SIGUSR2; nullptr for a number that is not in kNamed.
inline const char* Name(int number) noexcept {
  for (const Named& s : kNamed) {
    if (s.number == number) return s.name;
  }
  return nullptr;
}

}  // namespace signals
}  // namespace phpeek

#endif  // PHPEEK_SIGNALS_HPP
