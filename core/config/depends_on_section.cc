// `depends_on` in both forms: the original's list (each dependency must be ready) and the map of
// docker compose and process-compose (`php-fpm: {condition: process_healthy}`, compose's
// `service_healthy` accepted too), whose entries without a condition wait for process_started,
// as compose's do.
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

const std::vector<std::pair<std::string, DependencyCondition>>& Conditions() {
  static const std::vector<std::pair<std::string, DependencyCondition>> kConditions = {
      {"process_started", DependencyCondition::kStarted},
      {"process_healthy", DependencyCondition::kHealthy},
      {"process_completed", DependencyCondition::kCompleted},
      {"process_completed_successfully", DependencyCondition::kCompletedSuccessfully},
  };
  return kConditions;
}

// One of Conditions(), or docker compose's spelling of it (service_healthy for process_healthy).
void ReadCondition(Reader& r, const Node& node, P path, DependencyCondition* out) {
  std::string text;
  if (node.IsScalar() && r.Text(node, path, &text)) {
    for (const auto& [word, condition] : Conditions()) {
      if (text == word || text == "service" + word.substr(word.find('_'))) {
        *out = condition;
        return;
      }
    }
  }
  r.Choice(node, path, Conditions(), out);  // says what is wrong, with the closest word
}

void ReadDependencyMap(Reader& r, const Node& node, P path, ProcessSpec* out) {
  out->depends_on_map = true;
  for (const MapEntry& e : node.entries) {
    DependencyCondition condition = DependencyCondition::kStarted;
    r.Map(*e.value, JoinPath(path, e.key),
          {{"condition", [&](const Node& v, P p) { ReadCondition(r, v, p, &condition); }}});
    out->depends_on.push_back(e.key);
    out->depends_on_pos.push_back(e.key_pos);
    out->depends_on_condition.push_back(condition);
  }
}

}  // namespace

void ReadDependsOn(Reader& r, const Node& node, const std::string& path, ProcessSpec* out) {
  if (node.IsMap()) {
    ReadDependencyMap(r, node, path, out);
    return;
  }
  if (!node.IsNull() && !node.IsSequence()) {
    r.ValueError(node, path, std::string("expected a list or a map, got ") + DescribeKind(node),
                 "write [php-fpm, redis] or {php-fpm: {condition: process_healthy}}");
    return;
  }
  r.StringList(node, path, &out->depends_on, &out->depends_on_pos);
  out->depends_on_condition.assign(out->depends_on.size(), DependencyCondition::kReady);
}

}  // namespace phpeek::config
