#include "core/process_logs/json_extractor.h"

#include <array>
#include <string>

#include "phpeek/json.hpp"

namespace phpeek::process_logs {
namespace {

constexpr std::array<std::string_view, 2> kMessageKeys = {"message", "msg"};
constexpr std::array<std::string_view, 4> kLevelKeys = {"level", "severity", "level_name", "lvl"};

// Monolog: 100 debug, 200 info, 250 notice, 300 warning, 400 error, 500+ critical and up.
// pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
std::optional<Level> NumericLevel(int64_t n) {
  if (n >= 100) {
    if (n >= 400) return Level::kError;
    if (n >= 300) return Level::kWarn;
    if (n >= 200) return Level::kInfo;
    return Level::kDebug;
  }
  if (n >= 50) return Level::kError;
  if (n >= 40) return Level::kWarn;
  if (n >= 30) return Level::kInfo;
  if (n >= 10) return Level::kDebug;
  return std::nullopt;
}

std::optional<Level> LevelOf(phpeek::json::Value v) {
  if (const auto name = v.AsString(); name.ok()) return ParseLevelName(name.value);
  if (const auto n = v.AsInt64(); n.ok()) return NumericLevel(n.value);
  return std::nullopt;
}

bool LooksLikeObject(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

}  // namespace

bool JsonExtractor::Extract(std::string_view text, JsonExtraction* out) const {
  *out = {};
  if (spec_.detect_auto && !LooksLikeObject(text)) return false;
  phpeek::json::Document parsed;
  std::string err;
  const bool ok = parsed.Parse(text, &err);
  const phpeek::json::Value doc = parsed.root();
  if (!ok || !doc.is_object()) {
    if (!spec_.detect_auto) {
      out->fields.push_back({"json_error", err.empty() ? "not a JSON object" : err, false});
    }
    return false;
  }
  std::string_view message_key, level_key;
  if (spec_.extract_message) {
    for (auto key : kMessageKeys) {
      if (const auto v = doc[key].AsString(); v.ok()) {
        out->message = std::string(v.value);
        message_key = key;
        break;
      }
    }
  }
  if (spec_.extract_level) {
    for (auto key : kLevelKeys) {
      const phpeek::json::Value v = doc[key];
      if (v.missing()) continue;
      if (const auto level = LevelOf(v)) {
        out->level = level;
        level_key = key;
        break;
      }
    }
  }
  if (!spec_.merge_fields) return true;
  for (const auto& [key, value] : doc.members()) {
    if (key == message_key || key == level_key) continue;
    if (const auto str = value.AsString(); str.ok()) {
      out->fields.push_back({std::string(key), std::string(str.value), false});
    } else {
      out->fields.push_back({std::string(key), std::string(value.text()), true});
    }
  }
  return true;
}

}  // namespace phpeek::process_logs
