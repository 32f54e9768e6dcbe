#include "core/supervisor/output_pipeline.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <utility>
#include <vector>

namespace phpeek::supervisor {
namespace {

log::RenderedFields WithStream(std::vector<log::Field> source, process_logs::Stream stream) {
  source.emplace_back("stream", process_logs::StreamName(stream));
  return log::RenderedFields(source);
}

}  // namespace

OutputPipeline::OutputPipeline(Loop& loop,
                               std::shared_ptr<const process_logs::PipelineConfig> config,
                               std::vector<log::Field> source, process_logs::Stream stream,
                               HistoryTarget history)
    : loop_(loop),
      fixed_(WithStream(std::move(source), stream)),
      history_(std::move(history)),
      kept_fields_(history_.tags),
      pipeline_(config ? std::move(config) : process_logs::PipelineConfig::Make(nullptr), stream,
                [this](const process_logs::Entry& e) { Emit(e); }) {}

OutputPipeline::~OutputPipeline() {
  if (timer_ != 0) loop_.CancelTimer(timer_);
}

void OutputPipeline::Stamp() { now_ = {loop_.time().Now(), loop_.time().WallNow()}; }

void OutputPipeline::OnLine(std::string_view line) {
  pipeline_.Push(line, now_);
  ArmTimer();
}

void OutputPipeline::Flush() {
  pipeline_.Flush();
  ArmTimer();
}

// One timer at a time, re-armed only when the pipeline's deadline moves.
void OutputPipeline::ArmTimer() {
  const auto deadline = pipeline_.deadline();
  if (deadline && timer_ != 0 && *deadline == timer_at_) return;
  if (timer_ != 0) loop_.CancelTimer(timer_);
  timer_ = 0;
  if (!deadline) return;
  timer_at_ = *deadline;
  timer_ = loop_.AddTimer(*deadline, [this] {
    timer_ = 0;
    pipeline_.OnTimer(loop_.time().Now());
    ArmTimer();
  });
}

// Per line, only the line's own fields and the labels are added to the fixed ones: a line
// without them (the default pipeline) allocates nothing here.
void OutputPipeline::Emit(const process_logs::Entry& e) {
  if (history_.history != nullptr) Keep(e);
  if (!log::Enabled(e.level)) return;
  fields_.clear();
  auto add = [this](const process_logs::Field& f) {
    fields_.push_back(f.json ? log::Field::Json(f.key, f.value) : log::Field(f.key, f.value));
  };
  if (e.fields) {
    for (const auto& f : *e.fields) add(f);
  }
  if (e.labels) {
    for (const auto& f : *e.labels) add(f);
  }
  log::WriteAt(e.level, e.time, e.message, fixed_, fields_);
}

// Never waits: the history's lock is held by readers only while they copy a bounded page.
void OutputPipeline::Keep(const process_logs::Entry& e) {
  if (history_.tags.empty()) {
    history_.history->Append(history_.handle, e);
    return;
  }
  kept_fields_.resize(history_.tags.size());
  if (e.fields) kept_fields_.insert(kept_fields_.end(), e.fields->begin(), e.fields->end());
  process_logs::Entry tagged = e;
  tagged.fields = &kept_fields_;
  history_.history->Append(history_.handle, tagged);
}

ChildOutput::~ChildOutput() {
  for (Stream* s : {&out_, &err_}) {
    StopWaiting(*s);
    if (s->wake_fd >= 0) close(s->wake_fd);
    if (s->reader) loop_->Unwatch(s->reader->fd());
  }
}

void ChildOutput::Watch(Loop& loop, int stdout_fd, int stderr_fd, const Source& source) {
  Close();
  loop_ = &loop;
  if (stdout_fd >= 0) WatchStream(out_, stdout_fd, source, process_logs::Stream::kStdout);
  if (stderr_fd >= 0) WatchStream(err_, stderr_fd, source, process_logs::Stream::kStderr);
}

void ChildOutput::WatchStream(Stream& s, int fd, const Source& source, process_logs::Stream which) {
  s.pipeline = std::make_unique<OutputPipeline>(*loop_, source.pipeline, source.fields, which,
                                                source.history);
  OutputPipeline* pipeline = s.pipeline.get();
  s.reader = std::make_unique<process::OutputReader>(
      fd, [pipeline](std::string_view line) { pipeline->OnLine(line); });
  Arm(s);
}

void ChildOutput::Arm(Stream& s) {
  Stream* stream = &s;
  loop_->Watch(s.reader->fd(), EPOLLIN, [this, stream](uint32_t) { OnReadable(*stream); });
}

void ChildOutput::OnReadable(Stream& s) {
  if (log::OutputSlow()) {
    Pause(s);
    return;
  }
  s.pipeline->Stamp();
  const process_logs::LogHistory::WriteBatch batch(s.pipeline->history());
  if (s.reader->OnReadable() == process::OutputReader::Status::kClosed) {
    End(s, false);  // the child closed it early: fine
  }
}

// Until the log writer says stdout has caught up; or, should stdout stall meanwhile (then it is
// no longer slow, and lines are dropped rather than the child held), for 250 ms at most.
void ChildOutput::Pause(Stream& s) {
  if (s.wake_fd < 0) s.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (s.wake_fd < 0) return;  // no eventfd to spare: keep reading, lines may be dropped
  loop_->Unwatch(s.reader->fd());
  Stream* stream = &s;
  loop_->Watch(s.wake_fd, EPOLLIN, [this, stream](uint32_t) { Resume(*stream); });
  s.resume_timer =
      loop_->AddTimer(loop_->time().Now() + std::chrono::milliseconds(250), [this, stream] {
        stream->resume_timer = 0;
        Resume(*stream);
      });
  log::WakeWhenOutputCatchesUp(s.wake_fd);
}

void ChildOutput::Resume(Stream& s) {
  StopWaiting(s);
  Arm(s);
}

// Whichever of the wake and the timer came first, the other is withdrawn.
void ChildOutput::StopWaiting(Stream& s) {
  if (s.resume_timer != 0) loop_->CancelTimer(s.resume_timer);
  s.resume_timer = 0;
  if (s.wake_fd < 0) return;
  log::CancelOutputWake(s.wake_fd);
  loop_->Unwatch(s.wake_fd);
  eventfd_t drained;
  eventfd_read(s.wake_fd, &drained);
}

void ChildOutput::Close() {
  End(out_, true);
  End(err_, true);
}

void ChildOutput::End(Stream& s, bool drain) {
  StopWaiting(s);
  if (s.reader) {
    loop_->Unwatch(s.reader->fd());
    s.pipeline->Stamp();
    if (drain) s.reader->Drain();
    s.reader.reset();
  }
  if (s.pipeline) {
    s.pipeline->Flush();
    s.pipeline.reset();
  }
}

}  // namespace phpeek::supervisor
