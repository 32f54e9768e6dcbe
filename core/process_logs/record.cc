#include "core/process_logs/record.h"

#include <array>
#include <cctype>
#include <utility>

namespace phpeek::process_logs {

const char* StreamName(Stream stream) { return stream == Stream::kStdout ? "stdout" : "stderr"; }

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

std::optional<Level> ParseLevelName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, Level>, 15> kNames = {{
      {"debug", Level::kDebug},
      {"trace", Level::kDebug},
      {"info", Level::kInfo},
      {"notice", Level::kInfo},
      {"warn", Level::kWarn},
      {"warning", Level::kWarn},
      {"error", Level::kError},
      {"err", Level::kError},
      {"critical", Level::kError},
      {"crit", Level::kError},
      {"alert", Level::kError},
      {"emergency", Level::kError},
      {"emerg", Level::kError},
      {"fatal", Level::kError},
      {"panic", Level::kError},
  }};
  if (name.size() > 9) return std::nullopt;
  char lower[9];
  for (size_t i = 0; i < name.size(); ++i) {
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
  }
  const std::string_view key(lower, name.size());
  for (const auto& [text, level] : kNames) {
    if (text == key) return level;
  }
  return std::nullopt;
}

}  // namespace phpeek::process_logs
