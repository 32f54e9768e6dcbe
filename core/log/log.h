// The daemon's logging facade. Callers pass a message and structured fields; the configured sink
// (spdlog, in log/logger.cc) renders them as one JSON object per line or as text. This header stays
// free of spdlog and fmt so that every file can log without paying for their headers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace phpeek::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kJson, kText };

// One key/value pair. Integers stay numbers in JSON output; everything else is a string.
struct Field {
  std::string_view key;
  std::string text;
  bool is_number = false;

  Field(std::string_view k, std::string_view v) : key(k), text(v) {}
  Field(std::string_view k, const char* v) : key(k), text(v ? v : "") {}
  Field(std::string_view k, const std::string& v) : key(k), text(v) {}
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  Field(std::string_view k, T v) : key(k), text(std::to_string(v)), is_number(true) {}
};

// Sets format and threshold; safe to call again (e.g. after the config is loaded). Until the first
// call the daemon logs text at info level to stdout.
void Configure(Format format, Level level);
bool Enabled(Level level);
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
// Flushes buffered output; call before exit.
void Flush();
// On the calling thread only: while on, lines are buffered instead of written one by one (errors
// are still flushed at once); the caller flushes with Flush() before it waits for anything, so a
// line is never held back while the thread sleeps. Turning it off flushes. The supervisor loop
// uses it to write a turn's lines (hundreds during a big start or shutdown) in a few writes.
void SetBatching(bool on);

inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (Enabled(Level::kDebug)) Write(Level::kDebug, m, f);
}
inline void Info(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kWarn, m, f);
}
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) {
  Write(Level::kError, m, f);
}

}  // namespace phpeek::log
