#include "core/supervisor/output_pipeline.h"

#include <utility>
#include <vector>

namespace phpeek::supervisor {

OutputPipeline::OutputPipeline(Loop& loop,
                               std::shared_ptr<const process_logs::PipelineConfig> config,
                               std::vector<log::Field> source, process_logs::Stream stream)
    : loop_(loop),
      fields_(std::move(source)),
      pipeline_(std::move(config), stream, [this](const process_logs::Entry& e) { Emit(e); }) {
  fields_.emplace_back("stream", process_logs::StreamName(stream));
  fixed_ = fields_.size();
}

OutputPipeline::~OutputPipeline() {
  if (timer_ != 0) loop_.CancelTimer(timer_);
}

void OutputPipeline::OnLine(std::string_view line) {
  pipeline_.Push(line, {loop_.time().Now(), loop_.time().WallNow()});
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
  if (!log::Enabled(e.level)) return;
  fields_.erase(fields_.begin() + static_cast<std::ptrdiff_t>(fixed_), fields_.end());
  auto add = [this](const process_logs::Field& f) {
    fields_.push_back(f.json ? log::Field::Json(f.key, f.value) : log::Field(f.key, f.value));
  };
  if (e.fields) {
    for (const auto& f : *e.fields) add(f);
  }
  if (e.labels) {
    for (const auto& f : *e.labels) add(f);
  }
  log::Write(e.level, e.message, fields_);
}

}  // namespace phpeek::supervisor
