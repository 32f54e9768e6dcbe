#include "plugins/metrics/hook_stats.h"

#include "phpeek/json.hpp"

namespace phpeek::metrics {
namespace {

struct HookDetail {
  std::string name, type, result;
  double seconds = 0;
};

bool ReadDetail(const char* text, HookDetail* out) {
  if (text == nullptr) return false;
  json::Document doc;
  std::string err;
  if (!doc.Parse(text, &err) || !doc.root().is_object()) return false;
  const json::Value d = doc.root();
  const json::Read<std::string_view> name = d["hook"].AsString(), type = d["hook_type"].AsString(),
                                     result = d["result"].AsString();
  const json::Read<double> ms = d["duration_ms"].AsDouble();
  if (!name.ok() || !type.ok() || !result.ok() || !ms.ok()) return false;
  out->name = std::string(name.value);
  out->type = std::string(type.value);
  out->result = std::string(result.value);
  out->seconds = ms.value / 1000.0;
  return true;
}

}  // namespace

void HookStats::OnEvent(const phpeek_event& ev) {
  if (ev.type != PHPEEK_EVENT_HOOK_FINISHED) return;
  HookDetail d;
  if (!ReadDetail(ev.detail_json, &d)) return;
  std::lock_guard<std::mutex> lock(mu_);
  Counts& c = counts_[Key{ev.process != nullptr ? ev.process : "", d.name, d.type}];
  (d.result == "success" ? c.success : c.failure) += 1;
  for (size_t i = 0; i < kHookDurationBuckets.size(); ++i) {
    if (d.seconds <= kHookDurationBuckets[i]) {
      ++c.buckets[i];
      break;
    }
  }
  c.sum_seconds += d.seconds;
}

std::vector<Family> HookStats::Families() const {
  Family runs{"phpeek_pm_hook_executions_total",
              "Lifecycle hook runs, by outcome (a timeout counts as a failure).",
              MetricType::kCounter,
              {}};
  Family duration{"phpeek_pm_hook_duration_seconds",
                  "Lifecycle hook run time, retries included.",
                  MetricType::kHistogram,
                  {}};
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, c] : counts_) {
    const auto& [process, name, type] = key;
    runs.Add({{"name", name}, {"type", type}, {"status", "success"}, {"process", process}},
             static_cast<double>(c.success));
    runs.Add({{"name", name}, {"type", type}, {"status", "failure"}, {"process", process}},
             static_cast<double>(c.failure));
    const Labels labels{{"name", name}, {"type", type}, {"process", process}};
    std::vector<std::pair<double, double>> buckets;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kHookDurationBuckets.size(); ++i) {
      cumulative += c.buckets[i];
      buckets.emplace_back(kHookDurationBuckets[i], static_cast<double>(cumulative));
    }
    duration.AddHistogram(labels, buckets, c.sum_seconds,
                          static_cast<double>(c.success + c.failure));
  }
  return {std::move(runs), std::move(duration)};
}

}  // namespace phpeek::metrics
