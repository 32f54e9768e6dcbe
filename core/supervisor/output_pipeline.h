// One output stream of a child (an instance, or a scheduled job's run), from its pipe's lines to
// the daemon's log: the stream's pipeline of `processes.<name>.logging` (core/process_logs:
// multiline, redaction, JSON, levels, filters, labels), whose entries are written to the daemon's
// log at their detected level with the source's fields (process and instance, or process and run),
// the stream, the line's own fields and the labels. The multiline timer is a loop timer.
// Lives on the loop thread, owned next to the stream's OutputReader (engine.h, job_runner.cc).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log/log.h"
#include "core/process_logs/pipeline.h"
#include "core/supervisor/loop.h"

namespace phpeek::supervisor {

class OutputPipeline {
 public:
  // `source`: the fields that say whose line it is, e.g. {process, instance}.
  OutputPipeline(Loop& loop, std::shared_ptr<const process_logs::PipelineConfig> config,
                 std::vector<log::Field> source, process_logs::Stream stream);
  ~OutputPipeline();  // cancels the multiline timer (what still waits was flushed or is dropped)
  OutputPipeline(const OutputPipeline&) = delete;
  OutputPipeline& operator=(const OutputPipeline&) = delete;

  // A line as the OutputReader cut it.
  void OnLine(std::string_view line);
  // The stream ended: what waits for more lines is written now.
  void Flush();

 private:
  void Emit(const process_logs::Entry& entry);
  void ArmTimer();

  Loop& loop_;
  // The source's fields and the stream, then (per line, from fixed_ on) the line's own fields
  // and the labels: reused from line to line.
  std::vector<log::Field> fields_;
  size_t fixed_ = 0;
  process_logs::StreamPipeline pipeline_;
  Loop::TimerId timer_ = 0;
  Clock::time_point timer_at_{};
};

}  // namespace phpeek::supervisor
