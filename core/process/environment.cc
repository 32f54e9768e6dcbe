#include "core/process/environment.h"

#include <string_view>
#include <utility>

extern char** environ;

namespace phpeek::process {

namespace {

EnvPairs& DaemonVariables() {
  static EnvPairs variables;
  return variables;
}

}  // namespace

std::vector<std::string> DaemonEnvironment() {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) out.emplace_back(*e);
  return OverlayEnvironment(std::move(out), DaemonVariables());
}

void SetDaemonVariables(EnvPairs variables) { DaemonVariables() = std::move(variables); }

std::vector<std::string> OverlayEnvironment(std::vector<std::string> base,
                                            const EnvPairs& overlay) {
  for (const auto& [key, value] : overlay) {
    std::string entry = key + "=" + value;
    bool replaced = false;
    for (std::string& e : base) {
      if (std::string_view(e).substr(0, key.size() + 1) ==
          std::string_view(entry).substr(0, key.size() + 1)) {
        e = entry;
        replaced = true;
        break;
      }
    }
    if (!replaced) base.push_back(std::move(entry));
  }
  return base;
}

}  // namespace phpeek::process
