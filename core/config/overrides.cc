#include "core/config/overrides.h"

#include <cctype>
#include <memory>

namespace phpeek::config {
namespace {

std::unique_ptr<Node> ScalarNode(const std::string& text, const std::string& var, SourcePos pos) {
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kScalar;
  node->scalar = text;
  node->env_origin = var;
  node->pos = pos;
  return node;
}

std::string KeyFromVariable(const std::string& var) {
  std::string key = var.substr(sizeof(kGlobalOverridePrefix) - 1);
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

bool IsListOverride(const std::string& key, const std::string& value) {
  return key == "plugins" || (key == "plugin_dir" && value.find(',') != std::string::npos);
}

}  // namespace

std::unique_ptr<Node> ListFromText(const std::string& text, const std::string& var, SourcePos pos) {
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kSequence;
  node->env_origin = var;
  node->pos = pos;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    const size_t b = item.find_first_not_of(' ');
    const size_t e = item.find_last_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (!item.empty()) node->items.push_back(ScalarNode(item, var, pos));
    start = comma + 1;
  }
  return node;
}

void ApplyGlobalOverrides(Reader& r, const std::map<std::string, std::string>& env, Node* global) {
  for (const auto& [var, value] : env) {
    if (var.rfind(kGlobalOverridePrefix, 0) != 0) continue;
    const std::string key = KeyFromVariable(var);
    if (key.empty()) {
      r.Error({}, "global", "environment variable " + var + " names no key",
              "use PHPEEK_PM_GLOBAL_<KEY>, e.g. PHPEEK_PM_GLOBAL_API_PORT=9999");
      continue;
    }
    if (key == "readiness") {
      r.Error({}, "global.readiness",
              "environment variable " + var +
                  ": readiness is an object and cannot be set from "
                  "the environment",
              "set global.readiness in the file");
      continue;
    }
    MapEntry* existing = nullptr;
    for (auto& e : global->entries) {
      if (e.key == key && existing == nullptr) existing = &e;  // the one typing reads
    }
    const SourcePos pos = existing ? existing->value->pos : SourcePos{};
    auto node =
        IsListOverride(key, value) ? ListFromText(value, var, pos) : ScalarNode(value, var, pos);
    if (existing) {
      existing->value = std::move(node);
    } else {
      global->entries.push_back({key, {}, std::move(node)});
    }
  }
}

}  // namespace phpeek::config
