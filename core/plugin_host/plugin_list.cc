#include "core/plugin_host/plugin_list.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>


namespace phpeek::plugin_host {
namespace {

namespace fs = std::filesystem;

std::string Resolve(const std::string& path, const std::string& config_path) {
  if (path.empty() || path[0] == '/') return path;
  const fs::path base = fs::path(config_path).parent_path();
  return (base.empty() ? fs::path(path) : base / path).lexically_normal().string();
}

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

}  // namespace

std::string DefaultPluginDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "/usr/lib/phpeek-pm/plugins";
  return (exe.parent_path() / ".." / "lib" / "phpeek-pm" / "plugins").lexically_normal().string();
}

std::vector<PluginRequest> PluginRequests(const config::Config& config,
                                          const std::string& default_dir) {
  const std::string dir = config.global.plugin_dir.empty()
                              ? default_dir
                              : Resolve(config.global.plugin_dir, config.source_path);
  auto by_name = [&](const std::string& name) {
    return PluginRequest{name, (fs::path(dir) / (name + ".so")).string()};
  };
  std::vector<PluginRequest> out;
  // Required like any other plugin, also when enabled by default: it ships with the daemon.
  if (config.global.api_enabled) Add(&out, by_name("rest-api"));
  if (config.global.metrics_enabled) Add(&out, by_name("metrics"));
  for (const std::string& entry : config.global.plugins) {
    if (entry.find('/') != std::string::npos) {
      Add(&out, PluginRequest{NameFromPath(entry), Resolve(entry, config.source_path)});
    } else {
      Add(&out, by_name(entry));
    }
  }
  return out;
}

}  // namespace phpeek::plugin_host
