// A child's output (an instance's, a scheduled job run's, a lifecycle hook's), from its pipes to
// where it goes: each stream's pipeline of `processes.<name>.logging` (core/process_logs:
// multiline, redaction, JSON, levels, filters, labels), whose entries are
//  - written to the daemon's log at their detected level with the source's fields (process and
//    instance; process and run; hook, hook_type, process and instance), the stream, the line's
//    own fields and the labels;
//  - kept in the process-log history when the source has a ring there (HistoryTarget), whatever
//    the daemon's own log_level: the history keeps what the process's pipeline lets through.
// Files: output_pipeline.cc. Loop thread only.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/log/log.h"
#include "core/process/output_reader.h"
#include "core/process_logs/history.h"
#include "core/process_logs/pipeline.h"
#include "core/supervisor/loop.h"

namespace phpeek::supervisor {

// The ring a stream's entries are kept in.
struct HistoryTarget {
  process_logs::LogHistory* history = nullptr;  // null: not kept
  process_logs::LogHistory::Handle handle = 0;
  // Fields each kept line carries ahead of its own: what the ring's instance does not say (a job
  // run's "run", a hook's "hook" and "hook_type"). The daemon's log has them among the source's.
  process_logs::FieldList tags;
};

// One stream through its pipeline. The multiline timer is a loop timer.
class OutputPipeline {
 public:
  // `source`: the fields that say whose line it is, e.g. {process, instance}.
  OutputPipeline(Loop& loop, std::shared_ptr<const process_logs::PipelineConfig> config,
                 std::vector<log::Field> source, process_logs::Stream stream,
                 HistoryTarget history = {});
  ~OutputPipeline();  // cancels the multiline timer (what still waits was flushed or is dropped)
  OutputPipeline(const OutputPipeline&) = delete;
  OutputPipeline& operator=(const OutputPipeline&) = delete;

  // Reads the clocks for the lines that follow (those of one read: they came together), so that
  // a line costs no clock read.
  void Stamp();
  // A line as the OutputReader cut it, at the last Stamp's time.
  void OnLine(std::string_view line);
  // The stream ended: what waits for more lines is written now.
  void Flush();
  // Where kept lines go (null: nowhere), for a WriteBatch around one read's lines.
  process_logs::LogHistory* history() const { return history_.history; }

 private:
  void Emit(const process_logs::Entry& entry);
  void Keep(const process_logs::Entry& entry);
  void ArmTimer();

  Loop& loop_;
  log::RenderedFields fixed_;  // the source's fields and the stream
  // The line's own fields and the labels: reused from line to line.
  std::vector<log::Field> fields_;
  HistoryTarget history_;
  process_logs::FieldList kept_fields_;  // tags, then the line's own: reused from line to line
  process_logs::StreamPipeline pipeline_;
  Loop::TimerId timer_ = 0;
  Clock::time_point timer_at_{};
  process_logs::LineTime now_{};
};

// Both output streams of one child, watched on the loop from its spawn until it ends. The owner
// (an Instance, a job's Run, a hook's Attempt) must not move while it watches (heap-held).
// While the daemon's stdout is slow (log::OutputSlow: it takes lines, slower than they come), a
// stream is not read until stdout has caught up (the log writer wakes it through an eventfd): the
// child's pipe fills and holds the child back, as `cat` would, instead of its lines being dropped
// at stdout. A stalled stdout does not pause it: a paused stream looks again after 250 ms at most.
class ChildOutput {
 public:
  struct Source {
    std::shared_ptr<const process_logs::PipelineConfig> pipeline;  // null: the default one
    std::vector<log::Field> fields;  // whose lines; the stream is added per stream
    HistoryTarget history;
  };

  ChildOutput() = default;
  ~ChildOutput();  // stops watching (without reading what is left: Close does)
  ChildOutput(const ChildOutput&) = delete;
  ChildOutput& operator=(const ChildOutput&) = delete;

  // The read ends a spawn gave (-1: that stream is not captured); ownership is taken.
  void Watch(Loop& loop, int stdout_fd, int stderr_fd, const Source& source);
  // The child ended: what its pipes still hold is read, the pipelines flushed, the pipes closed.
  // (A stream the child closed earlier was flushed then.)
  void Close();

 private:
  struct Stream {
    // The reader's sink feeds the pipeline, so the pipeline is declared first (destroyed last).
    std::unique_ptr<OutputPipeline> pipeline;
    std::unique_ptr<process::OutputReader> reader;
    Loop::TimerId resume_timer = 0;  // set while paused (not watched)
    int wake_fd = -1;  // the eventfd the log writer wakes a paused stream with (made on a pause)
  };
  void WatchStream(Stream& s, int fd, const Source& source, process_logs::Stream which);
  void Arm(Stream& s);
  void Pause(Stream& s);
  void Resume(Stream& s);
  void StopWaiting(Stream& s);
  void OnReadable(Stream& s);
  void End(Stream& s, bool drain);

  Loop* loop_ = nullptr;
  Stream out_, err_;
};

}  // namespace phpeek::supervisor
