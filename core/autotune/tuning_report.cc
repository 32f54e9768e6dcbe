#include "core/autotune/tuning_report.h"

#include "core/autotune/memory_threshold.h"
#include "core/json/json_writer.h"

namespace phpeek::autotune {
namespace {

std::string Mb(int64_t mb) { return std::to_string(mb) + " MB"; }

std::string Origin(LimitOrigin origin, const std::string& file) {
  return std::string(ToString(origin)) + (file.empty() ? "" : ", " + file);
}

std::string ProfileText(const AutotuneChoice& c) {
  const FpmProfile& p = *c.profile;
  const std::string workers =
      p.max_workers > 0
          ? std::to_string(p.min_workers) + " to " + std::to_string(p.max_workers) + " workers"
          : "at least " + std::to_string(p.min_workers) + " workers";
  return std::string("profile: ") + p.name + " (" + c.profile_from + "): " + p.description +
         "\n  pm " + ToString(p.pm) + ", " + Mb(p.worker_mb) + " per worker, " + Mb(p.opcache_mb) +
         " OPcache, " + Mb(p.reserved_mb) + " reserved, " + workers + ", max_requests " +
         std::to_string(p.max_requests) + ", plans for " + PercentText(p.memory_share) +
         " of memory\nmemory threshold: " +
         PercentText(c.threshold > 0 ? c.threshold : p.memory_share) + " (" + c.threshold_from +
         ")\n";
}

std::string ComputationText(const FpmProfile& p, const ResourceLimits& l, const FpmTuning& t) {
  const FpmSettings& s = t.settings;
  std::string out = "computation:\n  usable memory: " + PercentText(t.threshold) + " of " +
                    Mb(l.memory_mb()) + " = " + Mb(t.usable_mb) +
                    "\n  worker memory: " + Mb(t.usable_mb) + " - " + Mb(p.reserved_mb) +
                    " reserved - " + Mb(p.opcache_mb) + " OPcache = " + Mb(t.pool_mb) +
                    "\n  workers: " + Mb(t.pool_mb) + " / " + Mb(p.worker_mb) + " = " +
                    std::to_string(t.by_memory) + " by memory, " + std::to_string(t.by_cpu) +
                    " by CPUs (4 per CPU)\nresult:\n  pm = " + ToString(s.pm) +
                    "\n  pm.max_children = " + std::to_string(s.max_children) +
                    "\n  pm.start_servers = " + std::to_string(s.start_servers) +
                    "\n  pm.min_spare_servers = " + std::to_string(s.min_spare) +
                    "\n  pm.max_spare_servers = " + std::to_string(s.max_spare) +
                    "\n  pm.max_requests = " + std::to_string(s.max_requests) +
                    "\n  planned memory: " + std::to_string(s.max_children) + " x " +
                    Mb(p.worker_mb) + " workers + " + Mb(p.opcache_mb) + " OPcache + " +
                    Mb(p.reserved_mb) + " reserved = " + Mb(t.planned_mb) + " of " +
                    Mb(l.memory_mb()) + "\nenvironment of every process:\n";
  for (const auto& [name, value] : FpmEnvironment(s)) out += "  " + name + "=" + value + "\n";
  return out;
}

void ProfileJson(const AutotuneChoice& c, json::Writer* w) {
  const FpmProfile& p = *c.profile;
  w->Key("profile").BeginObject();
  w->Key("name").String(p.name).Key("from").String(c.profile_from);
  w->Key("description").String(p.description).Key("pm").String(ToString(p.pm));
  w->Key("worker_mb").Int(p.worker_mb).Key("opcache_mb").Int(p.opcache_mb);
  w->Key("reserved_mb").Int(p.reserved_mb).Key("min_workers").Int(p.min_workers);
  w->Key("max_workers").Int(p.max_workers).Key("start_ratio").Double(p.start_ratio);
  w->Key("min_spare_ratio").Double(p.min_spare_ratio);
  w->Key("max_spare_ratio").Double(p.max_spare_ratio);
  w->Key("max_requests").Int(p.max_requests).Key("memory_share").Double(p.memory_share);
  w->EndObject();
  w->Key("threshold").BeginObject();
  w->Key("value").Double(c.threshold > 0 ? c.threshold : p.memory_share);
  w->Key("from").String(c.threshold_from).EndObject();
}

void LimitsJson(const ResourceLimits& l, json::Writer* w) {
  w->Key("limits").BeginObject();
  w->Key("memory_bytes").Int(l.memory_bytes).Key("memory_mb").Int(l.memory_mb());
  w->Key("memory_from").String(ToString(l.memory_origin)).Key("memory_file").String(l.memory_file);
  w->Key("cpus").Int(l.cpus).Key("cpus_from").String(ToString(l.cpu_origin));
  w->Key("cpus_file").String(l.cpu_file).EndObject();
}

void TuningJson(const FpmTuning& t, json::Writer* w) {
  w->Key("computation").BeginObject();
  w->Key("usable_mb").Int(t.usable_mb).Key("worker_pool_mb").Int(t.pool_mb);
  w->Key("workers_by_memory").Int(t.by_memory).Key("workers_by_cpu").Int(t.by_cpu);
  w->Key("workers_mb").Int(t.workers_mb).Key("planned_mb").Int(t.planned_mb).EndObject();
  const FpmSettings& s = t.settings;
  w->Key("result").BeginObject();
  w->Key("pm").String(ToString(s.pm)).Key("max_children").Int(s.max_children);
  w->Key("start_servers").Int(s.start_servers).Key("min_spare_servers").Int(s.min_spare);
  w->Key("max_spare_servers").Int(s.max_spare).Key("max_requests").Int(s.max_requests);
  w->EndObject();
  w->Key("environment").BeginObject();
  for (const auto& [name, value] : FpmEnvironment(s)) w->Key(name).String(value);
  w->EndObject();
}

}  // namespace

std::string ReportText(const AutotuneReport& r) {
  std::string out = ProfileText(r.choice);
  if (r.limits) {
    out += "limits:\n  memory: " + Mb(r.limits->memory_mb()) + " (" +
           Origin(r.limits->memory_origin, r.limits->memory_file) +
           ")\n  CPUs: " + std::to_string(r.limits->cpus) + " (" +
           Origin(r.limits->cpu_origin, r.limits->cpu_file) + ")\n";
  }
  if (r.tuning) out += ComputationText(*r.choice.profile, *r.limits, *r.tuning);
  if (!r.warnings.empty()) out += "warnings:\n";
  for (const auto& w : r.warnings) out += "  - " + w + "\n";
  return out;
}

std::string ReportJson(const AutotuneReport& r) {
  json::Writer w;
  w.BeginObject().Key("ok").Bool(r.tuning.has_value());
  ProfileJson(r.choice, &w);
  if (r.limits) LimitsJson(*r.limits, &w);
  if (r.tuning) TuningJson(*r.tuning, &w);
  w.Key("warnings").BeginArray();
  for (const auto& warning : r.warnings) w.String(warning);
  w.EndArray();
  if (!r.tuning) w.Key("error").String(r.error);
  w.EndObject();
  return w.Take();
}

}  // namespace phpeek::autotune
