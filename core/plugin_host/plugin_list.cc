#include "core/plugin_host/plugin_list.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "core/config/relative_path.h"

namespace phpeek::plugin_host {
namespace {

namespace fs = std::filesystem;

// "/opt/x/spool-watch.so" -> "spool-watch"
std::string NameFromPath(const std::string& path) {
  std::string stem = fs::path(path).filename().string();
  if (stem.size() > 3 && stem.compare(stem.size() - 3, 3, ".so") == 0) {
    stem.resize(stem.size() - 3);
  }
  return stem;
}

void Add(std::vector<PluginRequest>* out, PluginRequest req) {
  const bool seen = std::any_of(out->begin(), out->end(),
                                [&](const PluginRequest& r) { return r.name == req.name; });
  if (!seen) out->push_back(std::move(req));
}

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

}  // namespace

std::string DefaultLibDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "/usr/lib/phpeek-pm";
  return (exe.parent_path() / ".." / "lib" / "phpeek-pm").lexically_normal().string();
}

std::string DefaultPluginDir() { return (fs::path(DefaultLibDir()) / "plugins").string(); }

PluginRequest FindByName(const std::string& name, const config::GlobalSpec& global,
                         const std::string& config_path, const std::string& builtin_dir) {
  PluginRequest req{name, "", {}, "", -1};
  std::vector<std::string> dirs;
  for (const auto& d : global.plugin_dirs)
    dirs.push_back(config::ResolveFromConfig(d, config_path));
  if (std::find(dirs.begin(), dirs.end(), builtin_dir) == dirs.end()) dirs.push_back(builtin_dir);
  for (const auto& dir : dirs) {
    const std::string path = (fs::path(dir) / (name + ".so")).string();
    req.searched.push_back(path);
    if (req.path.empty() && Exists(path)) req.path = path;
  }
  if (!req.path.empty()) req.searched.clear();
  return req;
}

std::vector<PluginRequest> PluginRequests(const config::GlobalSpec& global,
                                          const std::string& config_path,
                                          const std::string& builtin_dir) {
  auto by_name = [&](const std::string& name, const char* key, int item) {
    PluginRequest req = FindByName(name, global, config_path, builtin_dir);
    req.key = key;
    req.item = item;
    return req;
  };
  std::vector<PluginRequest> out;
  // Required like any other plugin, also when enabled by default: it ships with the daemon.
  if (global.api_enabled) Add(&out, by_name("rest-api", "api_enabled", -1));
  if (global.metrics_enabled) Add(&out, by_name("metrics", "metrics_enabled", -1));
  if (global.dashboard_enabled) Add(&out, by_name("dashboard", "dashboard_enabled", -1));
  for (size_t i = 0; i < global.plugins.size(); ++i) {
    const std::string& entry = global.plugins[i];
    const int item = static_cast<int>(i);
    if (entry.find('/') != std::string::npos) {
      Add(&out, PluginRequest{NameFromPath(entry),
                              config::ResolveFromConfig(entry, config_path),
                              {},
                              "plugins",
                              item});
    } else {
      Add(&out, by_name(entry, "plugins", item));
    }
  }
  return out;
}

}  // namespace phpeek::plugin_host
