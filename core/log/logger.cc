// The only file that includes spdlog. Lines are rendered by line_format (JSON whole, text without
// its prefix). Text lines go through spdlog: its logger, with a formatter of ours for the prefix
// (local time with offset, level), and a sink that does no I/O but queues the line for the writer
// thread (output_queue.h). JSON lines, whose time and level are inside the object, go straight to
// the queue.
#include <spdlog/details/null_mutex.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "core/log/line_format.h"
#include "core/log/log.h"
#include "core/log/output_queue.h"
#include "core/text/timestamp.h"

namespace phpeek::log {
namespace {

using std::chrono::milliseconds;

// What may wait for stdout: about 20 000 lines of a busy stack, a few seconds of a stalled log
// driver. Beyond it lines are dropped rather than memory grown.
constexpr size_t kQueueCapacity = 4 * 1024 * 1024;
// A batching thread hands its lines over when they reach this, not only at Flush().
constexpr size_t kBatchLimit = 64 * 1024;
// At exit: what is queued is written unless stdout makes no progress for a second.
constexpr milliseconds kExitIdle{1000};
constexpr milliseconds kExitLimit{3000};

// Lines of a batching thread not yet handed to the queue (see SetBatching in log.h). The flag and
// the count are trivial so that they stay readable while thread-locals are destroyed at exit; the
// bytes are only touched while there are lines.
thread_local bool t_batching = false;
thread_local uint64_t t_batch_lines = 0;
thread_local std::string t_batch_bytes;

OutputQueue& Queue();

void HandOff() {
  if (t_batch_lines == 0) return;
  Queue().Push(t_batch_bytes, t_batch_lines);
  t_batch_bytes.clear();
  t_batch_lines = 0;
}

// No lock of spdlog's: the line's bytes are formatted on the calling thread (the formatter keeps
// no shared state) into its own batch or buffer, and the queue has its own lock.
class QueueSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    const std::string_view line(formatted.data(), formatted.size());
    if (!t_batching) {
      Queue().Push(line, 1);
      return;
    }
    t_batch_bytes.append(line);
    ++t_batch_lines;
    if (t_batch_bytes.size() >= kBatchLimit) HandOff();
  }
  void flush_() override {}
};

// "2026-12-06T16:04:05.123+01:00 info  MESSAGE\n", the line spdlog's pattern
// "%Y-%m-%dT%H:%M:%S.%e%z %-5l %v" gave, with the date and offset formatted once per second
// (spdlog's pattern formatter was a sixth of the daemon's CPU in a child's log flood).
class TextLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    char time[text::kTimestampMax];
    const size_t time_len = text::FormatLocalMillis(time, msg.time);
    const spdlog::string_view_t level = spdlog::level::to_string_view(msg.level);
    dest.append(time, time + time_len);
    dest.push_back(' ');
    dest.append(level.data(), level.data() + level.size());
    for (size_t pad = level.size(); pad < 5; ++pad) dest.push_back(' ');
    dest.push_back(' ');
    dest.append(msg.payload.data(), msg.payload.data() + msg.payload.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TextLineFormatter>();
  }
};

struct State {
  std::shared_ptr<spdlog::logger> logger;
  OutputQueue* queue = nullptr;
  std::atomic<Format> format{Format::kText};
  std::atomic<Level> level{Level::kInfo};
};

void ReportGap(uint64_t dropped);
// Not FlushAndWait: this thread's batch (if any) was handed over when batching ended, and its
// thread-locals may already be destroyed.
void FlushAtExit() { Queue().WaitWritten(kExitIdle, kExitLimit); }

State& GetState() {
  static State* state = [] {
    auto* s = new State;  // never destroyed: logging must work during static destruction
    s->queue = new OutputQueue(STDOUT_FILENO, kQueueCapacity, &ReportGap);
    s->logger = std::make_shared<spdlog::logger>("phpeek-pm", std::make_shared<QueueSink>());
    s->logger->set_level(spdlog::level::trace);
    s->logger->set_formatter(std::make_unique<TextLineFormatter>());
    std::atexit(&FlushAtExit);
    return s;
  }();
  return *state;
}

OutputQueue& Queue() { return *GetState().queue; }

// On the writer thread, once stdout takes lines again.
void ReportGap(uint64_t dropped) {
  Warn("stdout was blocked; log lines were dropped",
       {{"dropped", dropped}, {"dropped_total", Queue().dropped_total()}});
}

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

// A JSON line goes straight into the thread's batch (or is queued alone), without spdlog: the
// supervisor loop writes one for every line a child writes.
void WriteJson(std::chrono::system_clock::time_point at, Level level, std::string_view msg,
               std::string_view fixed, std::span<const Field> fields) {
  char buf[text::kTimestampMax];
  const std::string_view time(buf, text::FormatUtcMillis(buf, at));
  if (t_batching) {
    AppendJson(&t_batch_bytes, time, level, msg, fixed, fields);
    t_batch_bytes.push_back('\n');
    ++t_batch_lines;
    if (t_batch_bytes.size() >= kBatchLimit) HandOff();
    return;
  }
  std::string line;
  AppendJson(&line, time, level, msg, fixed, fields);
  line.push_back('\n');
  Queue().Push(line, 1);
}

// The text line without its prefix (one allocation, sized ahead), then through spdlog:
// TextLineFormatter adds the time and level.
void WriteText(std::chrono::system_clock::time_point at, Level level, std::string_view msg,
               std::string_view fixed, std::span<const Field> fields) {
  std::string rendered;
  AppendText(&rendered, msg, fixed, fields);
  GetState().logger->log(at, spdlog::source_loc{}, ToSpdlog(level),
                         spdlog::string_view_t(rendered.data(), rendered.size()));
}

}  // namespace

void Configure(Format format, Level level) {
  State& s = GetState();
  s.format = format;
  s.level = level;
}

bool Enabled(Level level) { return level >= GetState().level.load(); }

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields) {
  Write(level, msg, std::span<const Field>(fields.begin(), fields.size()));
}

void Write(Level level, std::string_view msg, std::span<const Field> fields) {
  WriteAt(level, std::chrono::system_clock::now(), msg, fields);
}

void WriteAt(Level level, std::chrono::system_clock::time_point time, std::string_view msg,
             std::span<const Field> fields) {
  static const RenderedFields kNone;
  WriteAt(level, time, msg, kNone, fields);
}

void WriteAt(Level level, std::chrono::system_clock::time_point time, std::string_view msg,
             const RenderedFields& fixed, std::span<const Field> fields) {
  State& s = GetState();
  if (level < s.level.load()) return;
  if (s.queue->dropping()) {  // stdout is stalled and the queue full: not worth rendering
    s.queue->CountDropped(1);
    return;
  }
  if (s.format == Format::kJson) {
    WriteJson(time, level, msg, fixed.json, fields);
  } else {
    WriteText(time, level, msg, fixed.text, fields);
  }
  // Errors are rare and matter most when the process is about to die.
  if (level == Level::kError) Flush();
}

void Flush() {
  GetState();
  HandOff();
}

bool FlushAndWait(milliseconds idle, milliseconds limit) {
  Flush();
  return Queue().WaitWritten(idle, limit);
}

void SetBatching(bool on) {
  if (t_batching && !on) Flush();
  t_batching = on;
}

uint64_t LinesDropped() { return Queue().dropped_total(); }

// A paused reader resumes at half the backlog that paused it, so the writer always has a batch in
// hand while the loop wakes up: the flood bench forwarded 0.38 of cat's rate with 256 KiB and
// 64 KiB (the writer idle between), 0.47-0.50 with 1 MiB and 512 KiB (tests/bench/README.md).
bool OutputSlow() { return Queue().Slow(kQueueCapacity / 4, milliseconds(250)); }

void WakeWhenOutputCatchesUp(int fd) { Queue().WakeWhenBelow(fd, kQueueCapacity / 8); }

void CancelOutputWake(int fd) { Queue().CancelWake(fd); }

}  // namespace phpeek::log
