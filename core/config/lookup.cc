// Where the configuration comes from: --config, $PHPEEK_PM_CONFIG, then the default locations.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/config/loader.h"

extern char** environ;

namespace phpeek::config {
namespace {

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

Environment CurrentEnvironment() {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    env.emplace(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return env;
}

const std::vector<std::string>& DefaultConfigPaths() {
  static const std::vector<std::string> paths = {"/etc/phpeek-pm/phpeek-pm.yaml",
                                                 "./phpeek-pm.yaml"};
  return paths;
}

bool ResolveConfigPath(const std::string& cli_path, const Environment& env, std::string* path,
                       std::string* err) {
  return ResolveConfigPath(cli_path, env, DefaultConfigPaths(), path, err);
}

// An explicit path is returned even when it does not exist: loading it then reports the precise
// reason (missing, a directory, unreadable) with the path.
bool ResolveConfigPath(const std::string& cli_path, const Environment& env,
                       const std::vector<std::string>& defaults, std::string* path,
                       std::string* err) {
  if (!cli_path.empty()) {
    *path = cli_path;
    return true;
  }
  const auto it = env.find("PHPEEK_PM_CONFIG");
  if (it != env.end() && !it->second.empty()) {
    *path = it->second;
    return true;
  }
  std::string tried;
  for (const auto& candidate : defaults) {
    if (Exists(candidate)) {
      *path = candidate;
      return true;
    }
    tried += (tried.empty() ? "" : ", ") + candidate;
  }
  *err = "no configuration file found (no --config given, PHPEEK_PM_CONFIG not set; tried " +
         tried + ")";
  return false;
}

}  // namespace phpeek::config
