#include "core/process_logs/builtin_levels.h"

#include <cctype>

namespace phpeek::process_logs {
namespace {

using sv = std::string_view;

struct Word {
  sv text;
  Level level;
};

constexpr Word kFpmWords[] = {{"ERROR", Level::kError},
                              {"WARNING", Level::kWarn},
                              {"NOTICE", Level::kInfo},
                              {"ALERT", Level::kError},
                              {"DEBUG", Level::kDebug}};
constexpr Word kPhpWords[] = {{"Fatal error", Level::kError},
                              {"Parse error", Level::kError},
                              {"Warning", Level::kWarn},
                              {"Notice", Level::kInfo},
                              {"Deprecated", Level::kInfo},
                              {"Recoverable fatal error", Level::kError},
                              {"Catchable fatal error", Level::kError},
                              {"Strict Standards", Level::kInfo}};
constexpr Word kNginxWords[] = {{"error", Level::kError}, {"warn", Level::kWarn},
                                {"crit", Level::kError},  {"emerg", Level::kError},
                                {"alert", Level::kError}, {"notice", Level::kInfo},
                                {"info", Level::kInfo},   {"debug", Level::kDebug}};
constexpr Word kMonologWords[] = {{"ERROR", Level::kError}, {"WARNING", Level::kWarn},
                                  {"INFO", Level::kInfo},   {"NOTICE", Level::kInfo},
                                  {"DEBUG", Level::kDebug}, {"CRITICAL", Level::kError},
                                  {"ALERT", Level::kError}, {"EMERGENCY", Level::kError}};

constexpr size_t kMaxBracket = 64;  // a timestamp or pool name in brackets
constexpr size_t kMaxChannel = 64;  // a Laravel channel/environment name

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// `s` is exactly one of `words`.
template <size_t N>
std::optional<Level> Exactly(sv s, const Word (&words)[N]) {
  for (const Word& w : words) {
    if (s == w.text) return w.level;
  }
  return std::nullopt;
}

// `s` starts with one of `words` followed by ':'; `rest` gets what follows the ':'.
template <size_t N>
std::optional<Level> WordColon(sv s, const Word (&words)[N], sv* rest) {
  for (const Word& w : words) {
    if (s.size() > w.text.size() && s[w.text.size()] == ':' &&
        s.substr(0, w.text.size()) == w.text) {
      *rest = s.substr(w.text.size() + 1);
      return w.level;
    }
  }
  return std::nullopt;
}

// "[...] " groups at the start (a timestamp, then perhaps a pool name): at most two.
size_t SkipBrackets(sv line) {
  size_t p = 0;
  for (int n = 0; n < 2 && p < line.size() && line[p] == '['; ++n) {
    const size_t close = line.substr(p, kMaxBracket).find(']');
    if (close == sv::npos) break;
    p += close + 1;
    while (p < line.size() && line[p] == ' ') ++p;
  }
  return p;
}

std::optional<Level> Php(sv s) {
  if (s.substr(0, 4) != "PHP ") return std::nullopt;
  sv rest;
  return WordColon(s.substr(4), kPhpWords, &rest);
}

std::optional<Level> Fpm(sv s) {
  sv rest;
  const std::optional<Level> level = WordColon(s, kFpmWords, &rest);
  if (!level) return std::nullopt;
  constexpr sv kMessage = " PHP message: ";
  if (rest.substr(0, kMessage.size()) == kMessage) {
    if (const auto php = Php(rest.substr(kMessage.size()))) return php;
  }
  return level;
}

// `channel.LEVEL:` (Monolog's line format).
std::optional<Level> Laravel(sv s) {
  size_t i = 0;
  const size_t end = std::min(s.size(), kMaxChannel);
  while (i < end &&
         (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '-')) {
    ++i;
  }
  if (i == 0 || i >= s.size() || s[i] != '.') return std::nullopt;
  sv rest;
  return WordColon(s.substr(i + 1), kMonologWords, &rest);
}

// `YYYY/MM/DD HH:MM:SS [level] ` or `nginx: [level] `.
std::optional<Level> Nginx(sv line) {
  size_t p = 0;
  if (line.substr(0, 8) == "nginx: [") {
    p = 8;
  } else if (line.size() > 21 && IsDigit(line[0]) && line[4] == '/' && line[7] == '/' &&
             line[10] == ' ' && line[13] == ':' && line[16] == ':' && line[19] == ' ' &&
             line[20] == '[') {
    p = 21;
  } else {
    return std::nullopt;
  }
  const size_t close = line.substr(p, 8).find(']');
  if (close == sv::npos) return std::nullopt;
  return Exactly(line.substr(p, close), kNginxWords);
}

}  // namespace

std::optional<Level> DetectBuiltinLevel(std::string_view line) {
  if (line.empty()) return std::nullopt;
  if (IsDigit(line[0]) || line[0] == 'n') {
    if (const auto level = Nginx(line)) return level;
  }
  const sv rest = line.substr(SkipBrackets(line));
  if (rest.empty()) return std::nullopt;
  switch (rest[0]) {
    case 'P':
      if (const auto level = Php(rest)) return level;
      break;
    case 'E':
    case 'W':
    case 'N':
    case 'A':
    case 'D':
      if (const auto level = Fpm(rest)) return level;
      break;
    default:
      break;
  }
  return Laravel(rest);
}

}  // namespace phpeek::process_logs
