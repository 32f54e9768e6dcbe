// The only file that includes spdlog. JSON lines are rendered here (time, level, msg, fields) and
// handed to spdlog as the whole message; text lines use spdlog's own time and level prefix.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <mutex>

#include "core/json/json_writer.h"
#include "core/log/log.h"

namespace phpeek::log {
namespace {

// Set on a thread that batches its lines (see SetBatching in log.h).
thread_local bool t_batching = false;

// spdlog's stdout sink flushes after every line: one write(2) per line. This one leaves lines of a
// batching thread in stdio's buffer until Flush() (or until the buffer fills); other threads'
// lines, and errors, go out at once as before.
class StdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
    if (!t_batching) std::fflush(stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

struct State {
  std::shared_ptr<spdlog::logger> logger;
  std::atomic<Format> format{Format::kText};
  std::atomic<Level> level{Level::kInfo};
};

State& GetState() {
  static State* state = [] {
    auto* s = new State;  // never destroyed: logging must work during static destruction
    s->logger = std::make_shared<spdlog::logger>(
        "phpeek-pm", std::make_shared<StdoutSink>());
    s->logger->set_level(spdlog::level::trace);
    s->logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5l %v");
    return s;
  }();
  return *state;
}

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

std::string UtcNow() {
  const auto now = std::chrono::system_clock::now();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string RenderJson(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  json::Writer w;
  w.BeginObject().Key("time").String(UtcNow()).Key("level").String(LevelName(level));
  w.Key("msg").String(msg);
  for (const Field& f : fields) {
    w.Key(f.key);
    if (f.is_number) {
      w.Raw(f.text);
    } else {
      w.String(f.text);
    }
  }
  w.EndObject();
  return w.Take();
}

// Text form: the message, then key=value pairs; values with spaces or quotes are JSON-quoted.
std::string RenderText(std::string_view msg, std::initializer_list<Field> fields) {
  std::string out(msg);
  for (const Field& f : fields) {
    out.push_back(' ');
    out.append(f.key);
    out.push_back('=');
    const bool plain = !f.text.empty() && f.text.find_first_of(" \"=\t\n\\") == std::string::npos;
    if (plain) {
      out.append(f.text);
    } else {
      json::AppendQuoted(&out, f.text);
    }
  }
  return out;
}

}  // namespace

void Configure(Format format, Level level) {
  State& s = GetState();
  s.format = format;
  s.level = level;
  s.logger->set_pattern(format == Format::kJson ? "%v" : "%Y-%m-%dT%H:%M:%S.%e%z %-5l %v");
}

bool Enabled(Level level) { return level >= GetState().level.load(); }

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  State& s = GetState();
  if (level < s.level.load()) return;
  const std::string line =
      s.format == Format::kJson ? RenderJson(level, msg, fields) : RenderText(msg, fields);
  s.logger->log(ToSpdlog(level), spdlog::string_view_t(line.data(), line.size()));
  // Errors are rare and matter most when the process is about to die.
  if (level == Level::kError) s.logger->flush();
}

void Flush() { GetState().logger->flush(); }

void SetBatching(bool on) {
  if (t_batching && !on) Flush();
  t_batching = on;
}

}  // namespace phpeek::log
