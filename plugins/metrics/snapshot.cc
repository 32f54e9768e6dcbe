#include "plugins/metrics/snapshot.h"

#include <utility>

#include "phpeek/json.hpp"

namespace phpeek::metrics {
namespace {

// Absent, null or of another type: nullopt (the ABI's rule for optional keys).
std::optional<double> NumberOf(const json::Value& obj, std::string_view key) {
  const json::Read<double> r = obj[key].AsDouble();
  return r.ok() ? std::optional<double>(r.value) : std::nullopt;
}

std::optional<int64_t> IntegerOf(const json::Value& obj, std::string_view key) {
  const json::Read<int64_t> r = obj[key].AsInt64();
  return r.ok() ? std::optional<int64_t>(r.value) : std::nullopt;
}

std::string StringOf(const json::Value& obj, std::string_view key) {
  return std::string(obj[key].AsString().value);
}

std::optional<HealthCheckSnapshot> DecodeHealthCheck(const json::Value& inst) {
  const json::Value check = inst["health_check"];
  if (!check.is_object()) return std::nullopt;
  HealthCheckSnapshot h;
  h.health = inst["health"].AsString().value_or("unknown");
  h.type = StringOf(check, "type");
  h.consecutive_failures = IntegerOf(check, "consecutive_failures").value_or(0);
  h.passed = IntegerOf(check, "passed").value_or(0);
  h.failed = IntegerOf(check, "failed").value_or(0);
  h.duration_sum = NumberOf(check, "duration_seconds_sum").value_or(0);
  for (const json::Value b : check["duration_seconds_buckets"].items()) {
    const auto le = NumberOf(b, "le");
    const auto count = IntegerOf(b, "count");
    if (le && count) h.buckets.emplace_back(*le, *count);
  }
  return h;
}

InstanceSnapshot DecodeInstance(const json::Value& obj) {
  InstanceSnapshot inst;
  inst.id = StringOf(obj, "id");
  inst.state = StringOf(obj, "state");
  inst.pid = static_cast<pid_t>(IntegerOf(obj, "pid").value_or(0));
  inst.started_at = NumberOf(obj, "started_at");
  inst.last_exit_code = IntegerOf(obj, "last_exit_code");
  inst.last_signal = IntegerOf(obj, "last_signal");
  inst.restart_count = IntegerOf(obj, "restart_count").value_or(0);
  inst.health_check = DecodeHealthCheck(obj);
  return inst;
}

std::optional<JobSnapshot> DecodeJob(const json::Value& obj) {
  if (obj["type"].AsString().value != "scheduled") return std::nullopt;
  JobSnapshot job;
  job.next_run = NumberOf(obj, "next_run");
  job.last_run = NumberOf(obj, "last_run");
  job.last_duration_ms = IntegerOf(obj, "last_duration_ms");
  const json::Value results = obj["run_results"];
  for (size_t i = 0; i < kJobResults.size(); ++i) {
    job.results[i] = IntegerOf(results, kJobResults[i]).value_or(0);
  }
  return job;
}

std::optional<FpmStatusConfig> DecodeFpmStatus(const json::Value& obj) {
  const json::Value fpm = obj["php_fpm_status"];
  FpmStatusConfig config{StringOf(fpm, "address"), StringOf(fpm, "path")};
  if (config.address.empty()) return std::nullopt;
  if (config.path.empty()) config.path = "/status";
  return config;
}

bool DecodeProcess(const json::Value& obj, ProcessSnapshot* proc, std::string* err) {
  proc->name = StringOf(obj, "name");
  if (proc->name.empty()) {
    *err = "process entry without a \"name\"";
    return false;
  }
  proc->state = StringOf(obj, "state");
  proc->scale = IntegerOf(obj, "scale").value_or(0);
  proc->job = DecodeJob(obj);
  proc->php_fpm_status = DecodeFpmStatus(obj);
  const json::Array instances = obj["instances"].items();
  proc->instances.reserve(instances.size());
  size_t i = 0;
  for (const json::Value inst : instances) {
    if (!inst.is_object()) {
      *err = "process \"" + proc->name + "\": instance " + std::to_string(i) + " is not an object";
      return false;
    }
    proc->instances.push_back(DecodeInstance(inst));
    ++i;
  }
  return true;
}

}  // namespace

bool ParseProcessList(std::string_view json, std::vector<ProcessSnapshot>* out, std::string* err) {
  out->clear();
  json::Document doc;
  if (!doc.Parse(json, err)) {
    *err = "process list is not valid JSON: " + *err;
    return false;
  }
  if (!doc.root().is_object()) {
    *err = "process list is not a JSON object";
    return false;
  }
  const json::Value processes = doc.root()["processes"];
  if (!processes.is_array()) {
    *err = "process list has no \"processes\" array";
    return false;
  }
  out->reserve(processes.size());
  size_t i = 0;
  for (const json::Value proc : processes.items()) {
    if (!proc.is_object()) {
      *err = "process entry " + std::to_string(i) + " is not an object";
      return false;
    }
    ProcessSnapshot snap;
    if (!DecodeProcess(proc, &snap, err)) return false;
    out->push_back(std::move(snap));
    ++i;
  }
  return true;
}

bool ProcessListDecoder::Decode(const std::string& json, ProcessList* out, std::string* err) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (decoded_ != nullptr && json == json_) {
      *out = decoded_;
      return true;
    }
  }
  auto decoded = std::make_shared<std::vector<ProcessSnapshot>>();
  if (!ParseProcessList(json, decoded.get(), err)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  json_ = json;
  decoded_ = std::move(decoded);
  *out = decoded_;
  return true;
}

}  // namespace phpeek::metrics
