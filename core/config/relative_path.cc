#include "core/config/relative_path.h"

#include <filesystem>

namespace phpeek::config {

std::string ResolveFromConfig(const std::string& path, const std::string& config_path) {
  namespace fs = std::filesystem;
  if (!path.empty() && path[0] == '/') return fs::path(path).lexically_normal().string();
  std::error_code ec;
  fs::path base = fs::absolute(fs::path(config_path), ec).parent_path();
  if (ec) base = fs::path("/");
  return (base / path).lexically_normal().string();
}

}  // namespace phpeek::config
