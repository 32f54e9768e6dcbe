#include "core/process_logs/json_extractor.h"

#include <array>
#include <string>

#include "core/json/json_value.h"

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

std::optional<Level> LevelOf(const json::Value& v) {
  if (v.kind() == json::ValueKind::kString) return ParseLevelName(v.string());
  int64_t n = 0;
  if (v.kind() == json::ValueKind::kNumber && v.ToInt64(&n)) return NumericLevel(n);
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
  json::Value doc;
  std::string err;
  if (!json::Parse(text, &doc, &err) || !doc.is_object()) {
    if (!spec_.detect_auto) {
      out->fields.push_back({"json_error", err.empty() ? "not a JSON object" : err, false});
    }
    return false;
  }
  std::string_view message_key, level_key;
  if (spec_.extract_message) {
    for (auto key : kMessageKeys) {
      const json::Value* v = doc.Find(key);
      if (v && v->kind() == json::ValueKind::kString) {
        out->message = v->string();
        message_key = key;
        break;
      }
    }
  }
  if (spec_.extract_level) {
    for (auto key : kLevelKeys) {
      const json::Value* v = doc.Find(key);
      if (!v) continue;
      if (const auto level = LevelOf(*v)) {
        out->level = level;
        level_key = key;
        break;
      }
    }
  }
  if (!spec_.merge_fields) return true;
  for (const auto& [key, value] : doc.members()) {
    if (key == message_key || key == level_key) continue;
    if (value.kind() == json::ValueKind::kString) {
      out->fields.push_back({key, value.string(), false});
    } else {
      out->fields.push_back({key, std::string(value.text()), true});
    }
  }
  return true;
}

}  // namespace phpeek::process_logs
