// `env:` maps (of a process or a hook): variable name -> value, in file order.
#include "core/config/sections.h"

namespace phpeek::config {

void ReadEnv(Reader& r, const Node& node, const std::string& path,
             std::vector<std::pair<std::string, std::string>>* out) {
  r.Map(node, path, {}, {}, [&](const MapEntry& e, const std::string&) {
    const std::string p = JoinPath(path, e.key);
    if (e.key.empty() || e.key.find('=') != std::string::npos) {
      r.Error(e.key_pos, p, "'" + e.key + "' is not a valid environment variable name");
      return;
    }
    std::string value;
    if (e.value->IsNull() || r.Text(*e.value, p, &value)) out->emplace_back(e.key, value);
  });
}

}  // namespace phpeek::config
