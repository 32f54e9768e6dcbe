// The per-instance, per-stream log pipeline (lifecycle.md, "Logs"), stage by stage:
//   line -> multiline grouping -> redaction -> JSON extraction -> level detection
//        -> min_level and filters -> labels -> Entry to the sink
// PipelineConfig is prepared once per process from its `logging:` block (regular expressions were
// compiled at config load) and shared by the pipelines of all its instances and both streams.
// A StreamPipeline belongs to the thread that feeds it (the supervisor loop): it is not
// thread-safe, and its sink is called on that thread, synchronously, from Push/OnTimer/Flush.
//
// The default pipeline (no `logging:` block) allocates nothing per line: the message is a view of
// the line, the level comes from a prefix scan (builtin_levels.h), no regular expression runs.
//
// Timer: with multiline on, an entry may wait for more lines. After Push/OnTimer/Flush, the caller
// reads deadline() and (re)arms its timer for it; when it fires, it calls OnTimer(now).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config/logging_spec.h"
#include "core/process_logs/json_extractor.h"
#include "core/process_logs/level_detector.h"
#include "core/process_logs/line_filter.h"
#include "core/process_logs/multiline_grouper.h"
#include "core/process_logs/record.h"
#include "core/process_logs/redactor.h"

namespace phpeek::process_logs {

class PipelineConfig {
 public:
  // `spec` null: no `logging:` block (built-in level detection only).
  explicit PipelineConfig(std::shared_ptr<const config::LoggingSpec> spec);
  PipelineConfig(const PipelineConfig&) = delete;
  PipelineConfig& operator=(const PipelineConfig&) = delete;

  static std::shared_ptr<const PipelineConfig> Make(
      std::shared_ptr<const config::LoggingSpec> spec);
  const config::LoggingSpec& spec() const { return *spec_; }
  const std::shared_ptr<const FieldList>& labels() const { return labels_; }

 private:
  friend class StreamPipeline;

  std::shared_ptr<const config::LoggingSpec> spec_;  // keeps the patterns the stages use alive
  std::shared_ptr<const FieldList> labels_;          // null when there are none
  Redactor redactor_;
  JsonExtractor json_;
  LevelDetector levels_;
  LineFilter filter_;
};

class StreamPipeline {
 public:
  using Sink = std::function<void(const Entry&)>;

  StreamPipeline(std::shared_ptr<const PipelineConfig> config, Stream stream, Sink sink);
  // Neither copied nor moved: the multiline grouper calls back into this object (keep it in a
  // unique_ptr or an optional that is emplaced).
  StreamPipeline(const StreamPipeline&) = delete;
  StreamPipeline& operator=(const StreamPipeline&) = delete;

  // One line as the line splitter cut it (without its newline).
  void Push(std::string_view line, const LineTime& at);
  // When OnTimer wants to run; nullopt when nothing waits.
  std::optional<MonoTime> deadline() const;
  void OnTimer(MonoTime now);
  // The stream ended (the child exited or closed it): emits what waits.
  void Flush();

  // Entries dropped by min_level and filters.
  uint64_t filtered() const { return filtered_; }

 private:
  void Process(std::string_view text, WallTime time);
  void DropLabelNames(FieldList* own) const;

  std::shared_ptr<const PipelineConfig> config_;
  Stream stream_;
  Sink sink_;
  std::optional<MultilineGrouper> grouper_;
  std::string redacted_;  // scratch, reused from line to line
  JsonExtraction json_;   // scratch
  uint64_t filtered_ = 0;
};

}  // namespace phpeek::process_logs
