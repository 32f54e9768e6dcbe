#include "tests/unit/rest_api/fake_backend.h"

namespace phpeek::rest::testing {

FakeBackend::FakeBackend() : processes_{{"web", 2}, {"queue", 0}} {}

std::string FakeBackend::ProcessJson(const Process& p) const {
  std::string json =
      "{\"name\":\"" + p.name + "\",\"state\":\"" + (p.scale > 0 ? "running" : "stopped") +
      "\",\"scale\":" + std::to_string(p.scale) + ",\"ready\":" + (p.scale > 0 ? "true" : "false") +
      ",\"future_key\":[1,2],\"instances\":[";
  for (int i = 0; i < p.scale; ++i) {
    if (i > 0) json += ",";
    json += "{\"id\":\"" + p.name + "-" + std::to_string(i) +
            "\",\"state\":\"running\",\"pid\":" + std::to_string(1000 + i) +
            ",\"started_at\":1700000000,\"restart_count\":" + std::to_string(i) +
            ",\"last_exit_code\":-1,\"last_signal\":0,\"ready\":true" +
            (p.name == "web" ? ",\"health\":\"healthy\",\"health_check\":{\"type\":\"tcp\"}" : "") +
            "}";
  }
  return json + "]}";
}

control::BackendResult FakeBackend::ListProcesses(std::string* json) {
  std::lock_guard<std::mutex> lock(mu_);
  *json = "{\"schema\":1,\"processes\":[";
  for (size_t i = 0; i < processes_.size(); ++i) {
    if (i > 0) *json += ",";
    *json += ProcessJson(processes_[i]);
  }
  *json += "]}";
  return {};
}

control::BackendResult FakeBackend::GetProcess(const std::string& name, std::string* json) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Process& p : processes_) {
    if (p.name == name) {
      *json = ProcessJson(p);
      json->insert(1, "\"schema\":1,");
      return {};
    }
  }
  return {control::BackendCode::kNotFound, "no process named " + name};
}

control::BackendResult FakeBackend::Control(control::ControlOp op, const std::string& name,
                                            int arg) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back({op, name, arg});
  if (fail_next_) {
    fail_next_ = false;
    return failure_;
  }
  for (Process& p : processes_) {
    if (p.name != name) continue;
    if (op == control::ControlOp::kScale) p.scale = arg;
    return {};
  }
  return {control::BackendCode::kNotFound, "no process named " + name};
}

control::BackendResult FakeBackend::DaemonStatus(std::string* json) {
  std::lock_guard<std::mutex> lock(mu_);
  *json = daemon_json_;
  return daemon_result_;
}

void FakeBackend::SetDaemonStatus(std::string json, control::BackendResult result) {
  std::lock_guard<std::mutex> lock(mu_);
  daemon_json_ = std::move(json);
  daemon_result_ = std::move(result);
}

void FakeBackend::AddProcess(const std::string& name, int scale) {
  std::lock_guard<std::mutex> lock(mu_);
  processes_.push_back({name, scale});
}

std::vector<ControlCall> FakeBackend::calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

void FakeBackend::FailNextControl(control::BackendResult result) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = true;
  failure_ = std::move(result);
}

}  // namespace phpeek::rest::testing
