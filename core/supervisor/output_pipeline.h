// One stream of one instance, from its pipe's lines to the daemon's log: the stream's pipeline of
// `processes.<name>.logging` (core/process_logs: multiline, redaction, JSON, levels, filters,
// labels), whose entries are written to the daemon's log at their detected level with the
// instance's fields, the line's own fields and the labels. The multiline timer is a loop timer.
// Lives on the loop thread, owned by the instance (engine.h), next to its OutputReader.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/process_logs/pipeline.h"
#include "core/supervisor/loop.h"

namespace phpeek::supervisor {

class OutputPipeline {
 public:
  OutputPipeline(Loop& loop, std::shared_ptr<const process_logs::PipelineConfig> config,
                 std::string process, std::string instance, process_logs::Stream stream);
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
  std::string process_;
  std::string instance_;
  process_logs::StreamPipeline pipeline_;
  Loop::TimerId timer_ = 0;
  Clock::time_point timer_at_{};
};

}  // namespace phpeek::supervisor
