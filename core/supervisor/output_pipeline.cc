#include "core/supervisor/output_pipeline.h"

#include <utility>
#include <vector>

namespace phpeek::supervisor {

OutputPipeline::OutputPipeline(Loop& loop,
                               std::shared_ptr<const process_logs::PipelineConfig> config,
                               std::vector<log::Field> source, process_logs::Stream stream)
    : loop_(loop),
      source_(std::move(source)),
      pipeline_(std::move(config), stream, [this](const process_logs::Entry& e) { Emit(e); }) {}

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

void OutputPipeline::Emit(const process_logs::Entry& e) {
  if (!log::Enabled(e.level)) return;
  std::vector<log::Field> fields;
  const size_t own = e.fields ? e.fields->size() : 0;
  fields.reserve(source_.size() + 1 + own + (e.labels ? e.labels->size() : 0));
  fields.insert(fields.end(), source_.begin(), source_.end());
  fields.emplace_back("stream", process_logs::StreamName(e.stream));
  auto add = [&fields](const process_logs::Field& f) {
    fields.push_back(f.json ? log::Field::Json(f.key, f.value) : log::Field(f.key, f.value));
  };
  if (e.fields) {
    for (const auto& f : *e.fields) add(f);
  }
  if (e.labels) {
    for (const auto& f : *e.labels) add(f);
  }
  log::Write(e.level, e.message, fields);
}

}  // namespace phpeek::supervisor
