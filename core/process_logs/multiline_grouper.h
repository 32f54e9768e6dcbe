// Multiline grouping (`logging.multiline`): joins a stack trace's lines into one entry. A line
// matching the start pattern begins an entry; lines that do not match join the current one. An
// entry is complete at the next start line, at `max_lines` lines or kMaxGroupBytes, or `timeout`
// after its first line. The timer is the caller's: deadline() says when the grouper wants to be
// woken, and the caller calls OnTimer() then (the supervisor loop owns every timer, so a grouper
// waiting for more lines costs no thread and no wakeup of its own).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/logging_spec.h"
#include "core/process_logs/record.h"

namespace phpeek::process_logs {

class MultilineGrouper {
 public:
  // An entry's lines joined by '\n', and the time of its first line.
  using Emit = std::function<void(std::string_view text, WallTime time)>;
  static constexpr size_t kMaxGroupBytes = 64 * 1024;

  // `spec` (with its compiled pattern) must outlive the grouper.
  MultilineGrouper(const config::MultilineSpec& spec, Emit emit);

  void Push(std::string_view line, const LineTime& at);
  // When the pending entry is due; nullopt when nothing is pending.
  std::optional<MonoTime> deadline() const;
  // Emits the pending entry if its deadline is at or before `now`.
  void OnTimer(MonoTime now);
  // Emits the pending entry (the stream ended).
  void Flush();

 private:
  void EmitPending();

  const config::MultilineSpec& spec_;
  Emit emit_;
  std::string text_;
  int lines_ = 0;
  LineTime first_{};
};

}  // namespace phpeek::process_logs
