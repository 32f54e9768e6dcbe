// The daemon's logging facade. Callers pass a message and structured fields; the logger (spdlog,
// in log/logger.cc) renders them as one JSON object per line or as text (log/line_format.h has the
// rules that keep a child's bytes from forging lines or fields) and hands the line to a bounded
// queue that a writer thread drains to stdout (log/output_queue.h). No caller ever waits for
// stdout: when it stalls, lines beyond the queue are dropped and counted. This header stays free
// of spdlog and fmt so that every file can log without paying for their headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace phpeek::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kJson, kText };

// One key/value pair. Integers stay numbers in JSON output, and so does a raw JSON value (a member
// of a JSON line a child wrote); everything else is a string. In text output every value is text.
struct Field {
  std::string_view key;
  std::string text;
  bool raw_json = false;  // `text` is a JSON value, written as is in JSON output

  Field(std::string_view k, std::string_view v) : key(k), text(v) {}
  Field(std::string_view k, const char* v) : key(k), text(v ? v : "") {}
  Field(std::string_view k, const std::string& v) : key(k), text(v) {}
  template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
  Field(std::string_view k, T v) : key(k), text(std::to_string(v)), raw_json(true) {}
  static Field Json(std::string_view k, std::string_view json_text) {
    Field f(k, json_text);
    f.raw_json = true;
    return f;
  }
};

// Fields that every line of one source carries (a child's process, instance and stream), rendered
// once in both formats: escaping them again for each line of a child's flood was a large part of
// the supervisor loop's time.
struct RenderedFields {
  RenderedFields() = default;
  explicit RenderedFields(std::span<const Field> fields);
  std::string json;  // `,"key":value` for each field
  std::string text;  // ` key=value` for each field
};

// Sets format and threshold; safe to call again (e.g. after the config is loaded). Until the first
// call the daemon logs text at info level to stdout.
void Configure(Format format, Level level);
bool Enabled(Level level);
// Never blocks on stdout (only on a short lock to queue the line).
void Write(Level level, std::string_view msg, std::initializer_list<Field> fields = {});
// The same with fields known only at run time (a child's line and its labels).
void Write(Level level, std::string_view msg, std::span<const Field> fields);
// The same with the line's own time (a child's line: when it was read), which JSON lines carry
// instead of reading the clock again.
void WriteAt(Level level, std::chrono::system_clock::time_point time, std::string_view msg,
             std::span<const Field> fields);
// The same with the source's fields first (rendered ahead), then the line's own.
void WriteAt(Level level, std::chrono::system_clock::time_point time, std::string_view msg,
             const RenderedFields& fixed, std::span<const Field> fields);
// Hands the calling thread's batched lines (see SetBatching) to the writer; never waits for
// stdout.
void Flush();
// Flush(), then waits until every line queued so far is written, giving up after `idle` without
// progress or `limit` in all (a stalled stdout). Returns whether everything was written. At exit
// this runs by itself (atexit: 1 s idle, 3 s in all), so a normal exit loses no line.
bool FlushAndWait(std::chrono::milliseconds idle, std::chrono::milliseconds limit);
// On the calling thread only: while on, lines are collected instead of queued one by one (errors
// are still queued at once); the caller flushes with Flush() before it waits for anything, so a
// line is never held back while the thread sleeps. Turning it off flushes. The supervisor loop
// uses it to hand over a turn's lines (hundreds during a big start or shutdown) at once, and the
// writer writes whatever has accumulated in one write(2).
void SetBatching(bool on);
// True while stdout takes lines, but slower than they come (more than 1 MiB waits and the
// writer wrote within the last 250 ms). Whoever can wait without harm (the reading of a
// child's output: its own pipe then holds it back) lets stdout catch up instead of making lines
// be dropped; a stalled stdout is not slow, and lines beyond the queue are dropped as ever.
bool OutputSlow();
// Writes to the eventfd `fd` once no more than 512 KiB wait for stdout (at once if that is so), so
// that a reader paused for OutputSlow() resumes when stdout has caught up, while the writer still
// has a batch in hand. CancelOutputWake(fd) before `fd` is closed or the reader resumes otherwise.
void WakeWhenOutputCatchesUp(int fd);
void CancelOutputWake(int fd);
// Lines that never reached stdout since the daemon started: dropped while it was stalled, or lost
// to a write error (a closed pipe).
uint64_t LinesDropped();

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
