#include "core/process_logs/pipeline.h"

#include <algorithm>
#include <utility>

namespace phpeek::process_logs {
namespace {

const std::shared_ptr<const config::LoggingSpec>& DefaultSpec() {
  static const auto spec = std::make_shared<const config::LoggingSpec>();
  return spec;
}

const std::vector<config::RedactionRule>& NoRules() {
  static const std::vector<config::RedactionRule> none;
  return none;
}

std::shared_ptr<const FieldList> MakeLabels(const config::LoggingSpec& spec) {
  if (spec.labels.empty()) return nullptr;
  auto labels = std::make_shared<FieldList>();
  for (const auto& [key, value] : spec.labels) labels->push_back({key, value, false});
  return labels;
}

}  // namespace

PipelineConfig::PipelineConfig(std::shared_ptr<const config::LoggingSpec> spec)
    : spec_(spec ? std::move(spec) : DefaultSpec()),
      labels_(MakeLabels(*spec_)),
      redactor_(spec_->redaction_enabled ? spec_->redaction : NoRules()),
      json_(spec_->json),
      levels_(spec_->level_detection),
      filter_(*spec_) {}

std::shared_ptr<const PipelineConfig> PipelineConfig::Make(
    std::shared_ptr<const config::LoggingSpec> spec) {
  return std::make_shared<const PipelineConfig>(std::move(spec));
}

StreamPipeline::StreamPipeline(std::shared_ptr<const PipelineConfig> config, Stream stream,
                               Sink sink)
    : config_(std::move(config)), stream_(stream), sink_(std::move(sink)) {
  const config::MultilineSpec& m = config_->spec().multiline;
  if (m.enabled && m.start.re) {
    grouper_.emplace(m, [this](std::string_view text, WallTime time) { Process(text, time); });
  }
}

void StreamPipeline::Push(std::string_view line, const LineTime& at) {
  if (grouper_) {
    grouper_->Push(line, at);
  } else {
    Process(line, at.wall);
  }
}

std::optional<MonoTime> StreamPipeline::deadline() const {
  return grouper_ ? grouper_->deadline() : std::nullopt;
}

void StreamPipeline::OnTimer(MonoTime now) {
  if (grouper_) grouper_->OnTimer(now);
}

void StreamPipeline::Flush() {
  if (grouper_) grouper_->Flush();
}

// A JSON member named like a label gives way to the label.
void StreamPipeline::DropLabelNames(FieldList* own) const {
  const auto& labels = config_->labels();
  if (!labels) return;
  own->erase(std::remove_if(own->begin(), own->end(),
                            [&](const Field& f) {
                              return std::any_of(labels->begin(), labels->end(),
                                                 [&](const Field& l) { return l.key == f.key; });
                            }),
             own->end());
}

void StreamPipeline::Process(std::string_view text, WallTime time) {
  const PipelineConfig& c = *config_;
  const std::string_view entry = c.redactor_.active() ? c.redactor_.Apply(text, &redacted_) : text;
  Entry out{time, stream_, Level::kInfo, entry, nullptr, c.labels()};
  std::optional<Level> level;
  if (c.json_.active()) {
    c.json_.Extract(entry, &json_);
    if (json_.message) out.message = *json_.message;
    level = json_.level;
    DropLabelNames(&json_.fields);
    if (!json_.fields.empty()) out.fields = &json_.fields;
  }
  out.level = level ? *level : c.levels_.Detect(out.message);
  if (!c.filter_.Keep(entry, out.level)) {
    ++filtered_;
    return;
  }
  sink_(out);
}

}  // namespace phpeek::process_logs
