// `phpeek-pm status|start|stop|restart|scale|jobs|trigger|reload|signal|logs|events`: talk to the
// running daemon's Management API (logs and events: stream_commands.cc).
// Exit status: 0 done, 1 failed (daemon unreachable, unauthorized, no such process, refused,
// --wait timed out, blocked), 2 usage error; `start|restart --wait` of a oneshot that failed: its
// own exit code.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "core/cli/client/api_client.h"
#include "core/cli/client/api_endpoint.h"
#include "core/cli/client/job_table.h"
#include "core/cli/client/process_table.h"
#include "core/cli/client/stream_commands.h"
#include "core/cli/commands.h"
#include "core/config/loader.h"
#include "core/config/process_name.h"
#include "core/json/json_writer.h"
#include "core/text/join.h"
#include "phpeek/json.hpp"

namespace phpeek::cli {
namespace {

using client::ApiEndpoint;
using client::ApiReply;
using client::CallApi;
using client::CheckReply;
using client::ProcessRow;

int Fail(const std::string& message) {
  std::fprintf(stderr, "phpeek-pm: %s\n", message.c_str());
  return 1;
}

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

int RunStatus(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const ApiReply reply = CallApi(endpoint, "GET", "/api/v1/processes");
  std::string err;
  if (!CheckReply(reply, 200, endpoint, "", &err)) return Fail(err);
  if (cl.json) {
    std::printf("%s\n", reply.body.c_str());
    return 0;
  }
  std::vector<ProcessRow> processes;
  if (!client::ParseProcessList(reply.body, &processes, &err)) return Fail(err);
  std::fputs(client::RenderTable(processes, Now()).c_str(), stdout);
  return 0;
}

bool FetchProcess(const ApiEndpoint& endpoint, const std::string& name, ProcessRow* out,
                  std::string* err) {
  const ApiReply reply =
      CallApi(endpoint, "GET", "/api/v1/processes/" + client::EncodePathSegment(name));
  return CheckReply(reply, 200, endpoint, name, err) && client::ParseProcess(reply.body, out, err);
}

int CountInState(const ProcessRow& p, const std::string& state) {
  int n = 0;
  for (const auto& i : p.instances) n += i.state == state ? 1 : 0;
  return n;
}

bool IsOneshot(const ProcessRow& p) { return p.type == "oneshot"; }

// Changes with every spawn, exit or state change of an instance: a "completed" or "failed" seen
// before the command was applied is not its outcome.
std::string Fingerprint(const ProcessRow& p) {
  std::string out;
  for (const auto& i : p.instances) {
    out += i.id + ":" + i.state + ":" + std::to_string(i.pid) + ":" +
           std::to_string(i.restart_count) + ":" + std::to_string(i.started_at) + ";";
  }
  return out;
}

// A oneshot's exit status: that of its failed instance (1 when a signal ended it).
int ExitCodeOf(const ProcessRow& p) {
  for (const auto& i : p.instances) {
    if (i.state == "failed" && i.last_exit_code > 0) return i.last_exit_code;
  }
  return 1;
}

// What start and restart wait for (lifecycle.md: --wait means ready): a longrun ready (healthy
// where it has a readiness check), a oneshot completed.
std::string Goal(const ProcessRow& p) { return IsOneshot(p) ? "complete" : "be ready"; }

// Whether `p` has reached what `sub` asked for. `old_pids`: pids before a restart; `changed`: the
// process has changed since before the command.
bool Reached(Subcommand sub, const ProcessRow& p, int scale, const std::set<int>& old_pids,
             bool changed) {
  switch (sub) {
    case Subcommand::kStart:
      return IsOneshot(p) ? p.state == "completed" && changed : p.ready && p.state != "stopping";
    case Subcommand::kStop:
      return p.state == "stopped" && CountInState(p, "running") == 0;
    case Subcommand::kScale:
      return p.scale == scale && CountInState(p, "running") == scale &&
             CountInState(p, "starting") == 0 && CountInState(p, "stopping") == 0;
    case Subcommand::kRestart: {
      if (IsOneshot(p)) return p.state == "completed" && changed;
      if (!p.ready || p.state == "stopping") return false;
      for (const auto& i : p.instances) {
        if (i.state == "running" && old_pids.count(i.pid) != 0) return false;
      }
      return true;
    }
    default:
      return true;
  }
}

int CountReady(const ProcessRow& p) {
  int n = 0;
  for (const auto& i : p.instances) n += i.ready ? 1 : 0;
  return n;
}

std::string Describe(const ProcessRow& p) {
  if (p.state == "blocked") return "blocked: " + p.reason;
  std::string text = p.state + ", " + std::to_string(CountInState(p, "running")) + "/" +
                     std::to_string(p.scale) + " instances running";
  if (!IsOneshot(p) && p.type == "longrun") {
    text += ", " + std::to_string(CountReady(p)) + " ready";
  }
  if (!p.waiting_for.empty()) text += ", waiting for " + text::Join(p.waiting_for, ", ");
  return text;
}

// A config_test ran since `before` and failed: the restart or reload was not done.
bool RefusedByConfigTest(const std::optional<ProcessRow>& before, const ProcessRow& now,
                         const std::string& name, std::string* why) {
  if (!before || now.config_test_runs <= before->config_test_runs ||
      now.config_test_error.empty()) {
    return false;
  }
  *why = "the config test of " + name + " failed (" + now.config_test_error +
         "); its running instances are kept as they were ('phpeek-pm logs " + name +
         "' shows the test's output)";
  return true;
}

// Polls the process until it reaches the requested state, or the deadline passes. `before`: the
// process as it was before a start or restart.
int Wait(const CommandLine& cl, const ApiEndpoint& endpoint, const std::string& name, int scale,
         const std::set<int>& old_pids, const std::optional<ProcessRow>& before) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(cl.wait_timeout_seconds);
  const bool starts = cl.subcommand == Subcommand::kStart || cl.subcommand == Subcommand::kRestart;
  ProcessRow p;
  std::string err;
  int blocked_seen = 0;
  for (;;) {
    if (!FetchProcess(endpoint, name, &p, &err)) return Fail(err);
    if (RefusedByConfigTest(before, p, name, &err)) return Fail(err);
    const bool changed = !before || Fingerprint(p) != Fingerprint(*before);
    if (Reached(cl.subcommand, p, scale, old_pids, changed)) {
      std::printf("%s: %s\n", name.c_str(), Describe(p).c_str());
      return 0;
    }
    if (p.state == "failed" && cl.subcommand != Subcommand::kStop && changed) {
      std::fprintf(stderr, "phpeek-pm: %s failed (%s)\n", name.c_str(), Describe(p).c_str());
      return IsOneshot(p) ? ExitCodeOf(p) : 1;
    }
    // Blocked on two polls in a row: not a snapshot from before the command was applied.
    blocked_seen = starts && p.state == "blocked" ? blocked_seen + 1 : 0;
    if (blocked_seen >= 2) return Fail(name + " is blocked: " + p.reason);
    if (std::chrono::steady_clock::now() >= deadline) {
      const std::string goal = starts ? " to " + Goal(p) : "";
      return Fail("timed out after " + std::to_string(cl.wait_timeout_seconds) + "s waiting for " +
                  name + goal + " (now " + Describe(p) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int RunAction(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string& name = cl.operands[0];
  int scale = 0;
  std::string body;
  if (cl.subcommand == Subcommand::kScale) {
    const std::string& text = cl.operands[1];
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), scale);
    if (ec != std::errc() || ptr != text.data() + text.size() || scale < 0) {
      std::fprintf(stderr, "phpeek-pm: scale takes a whole number of instances >= 0, not '%s'\n",
                   text.c_str());
      return 2;
    }
    body = "{\"scale\":" + std::to_string(scale) + "}";
  }
  std::set<int> old_pids;
  std::optional<ProcessRow> before;
  std::string err;
  if (cl.wait && (cl.subcommand == Subcommand::kRestart || cl.subcommand == Subcommand::kStart)) {
    before.emplace();
    if (!FetchProcess(endpoint, name, &*before, &err)) return Fail(err);
    for (const auto& i : before->instances) {
      if (i.pid > 0) old_pids.insert(i.pid);
    }
  }
  const std::string verb = SubcommandName(cl.subcommand);
  const ApiReply reply = CallApi(
      endpoint, "POST", "/api/v1/processes/" + client::EncodePathSegment(name) + "/" + verb, body);
  if (!CheckReply(reply, 202, endpoint, name, &err)) return Fail(err);
  std::printf(
      "%s: %s initiated%s\n", name.c_str(), verb.c_str(),
      cl.subcommand == Subcommand::kScale ? (" (" + std::to_string(scale) + ")").c_str() : "");
  return cl.wait ? Wait(cl, endpoint, name, scale, old_pids, before) : 0;
}

int RunJobs(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const ApiReply reply = CallApi(endpoint, "GET", "/api/v1/processes");
  std::string err;
  if (!CheckReply(reply, 200, endpoint, "", &err)) return Fail(err);
  std::vector<client::JobRow> jobs;
  if (!client::ParseJobs(reply.body, &jobs, &err)) return Fail(err);
  if (cl.json) {
    std::printf("%s\n", client::JobsJson(jobs).c_str());
  } else if (jobs.empty()) {
    std::printf("no scheduled jobs (processes with a schedule) are configured\n");
  } else {
    std::fputs(client::RenderJobTable(jobs, Now()).c_str(), stdout);
  }
  return 0;
}

// "success (exit 0, 1.2 s)", "timeout (signal 15, 30.0 s)".
std::string DescribeRun(const client::RunRow& run) {
  std::string text = run.result + " (";
  if (run.signal) {
    text += "signal " + std::to_string(*run.signal);
  } else {
    text += "exit " + (run.exit_code ? std::to_string(*run.exit_code) : std::string("-"));
  }
  char secs[32];
  std::snprintf(secs, sizeof secs, ", %.1f s)",
                static_cast<double>(run.duration_ms.value_or(0)) / 1000);
  return text + secs;
}

// Follows the job's history until run `id` has a result.
int WaitForRun(const CommandLine& cl, const ApiEndpoint& endpoint, const std::string& name,
               int64_t id) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(cl.wait_timeout_seconds);
  const std::string path =
      "/api/v1/processes/" + client::EncodePathSegment(name) + "/schedule/history";
  std::string err;
  for (;;) {
    const ApiReply reply = CallApi(endpoint, "GET", path);
    if (!CheckReply(reply, 200, endpoint, name, &err)) return Fail(err);
    std::optional<client::RunRow> run;
    if (!client::FindRun(reply.body, id, &run, &err)) return Fail(err);
    if (!run) return Fail(name + ": run " + std::to_string(id) + " is no longer in the history");
    if (!run->result.empty()) {
      std::printf("%s: run %lld finished: %s\n", name.c_str(), static_cast<long long>(id),
                  DescribeRun(*run).c_str());
      return run->result == "success" ? 0 : 1;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Fail("timed out after " + std::to_string(cl.wait_timeout_seconds) +
                  "s waiting for run " + std::to_string(id) + " of " + name + " (still running)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

int RunTrigger(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string& name = cl.operands[0];
  const ApiReply reply =
      CallApi(endpoint, "POST",
              "/api/v1/processes/" + client::EncodePathSegment(name) + "/schedule/trigger");
  std::string err;
  if (!CheckReply(reply, 202, endpoint, name, &err)) return Fail(err);
  json::Document doc;
  const int64_t id = doc.Parse(reply.body) ? doc.root()["run_id"].AsInt64().value_or(0) : 0;
  if (id <= 0) return Fail("the daemon's answer has no run id: " + reply.body);
  std::printf("%s: run %lld started\n", name.c_str(), static_cast<long long>(id));
  return cl.wait ? WaitForRun(cl, endpoint, name, id) : 0;
}

// 200: what changed, as the API says it. 422: every error of the file, one per line.
int RunReload(const ApiEndpoint& endpoint) {
  const ApiReply reply = CallApi(endpoint, "POST", "/api/v1/config/reload");
  if (reply.reached && reply.status == 422) {
    json::Document doc;
    if (doc.Parse(reply.body) && doc.root()["errors"].is_array()) {
      for (const json::Value e : doc.root()["errors"].items()) {
        std::fprintf(stderr, "%s\n", std::string(e["text"].AsString().value_or("")).c_str());
      }
    }
    return Fail("the configuration is invalid; nothing was changed");
  }
  std::string err;
  if (!CheckReply(reply, 200, endpoint, "", &err)) return Fail("reload failed: " + err);
  std::printf("%s\n", reply.body.c_str());
  return 0;
}

// Every instance that was running before the reload has been signalled since (its reloads count
// went up) and is ready again; instances that came up meanwhile read the new files anyway.
bool Reloaded(const ProcessRow& before, const ProcessRow& now) {
  for (const auto& i : now.instances) {
    if (i.state != "running") continue;
    for (const auto& old : before.instances) {
      if (old.id == i.id && old.state == "running" && (i.reloads <= old.reloads || !i.ready)) {
        return false;
      }
    }
  }
  return true;
}

// `reload NAME [--wait]`: the process's reload_signal to each running instance.
int RunProcessReload(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string& name = cl.operands[0];
  ProcessRow before;
  std::string err;
  if (cl.wait && !FetchProcess(endpoint, name, &before, &err)) return Fail(err);
  const ApiReply reply =
      CallApi(endpoint, "POST", "/api/v1/processes/" + client::EncodePathSegment(name) + "/reload");
  if (!CheckReply(reply, 202, endpoint, name, &err)) return Fail(err);
  std::printf("%s: reload initiated\n", name.c_str());
  if (!cl.wait) return 0;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(cl.wait_timeout_seconds);
  for (ProcessRow now;;) {
    if (!FetchProcess(endpoint, name, &now, &err)) return Fail(err);
    if (RefusedByConfigTest(before, now, name, &err)) return Fail(err);
    if (Reloaded(before, now)) {
      std::printf("%s: reloaded, %s\n", name.c_str(), Describe(now).c_str());
      return 0;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Fail("timed out after " + std::to_string(cl.wait_timeout_seconds) + "s waiting for " +
                  name + " to be ready again (now " + Describe(now) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// `signal NAME SIGNAL [--group]`: the daemon checks the name (400 names the ones it knows).
int RunSignal(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string& name = cl.operands[0];
  std::string body = "{\"signal\":";
  json::AppendQuoted(&body, cl.operands[1]);
  body += cl.group ? ",\"target\":\"group\"}" : "}";
  const ApiReply reply = CallApi(
      endpoint, "POST", "/api/v1/processes/" + client::EncodePathSegment(name) + "/signal", body);
  std::string err;
  if (!CheckReply(reply, 202, endpoint, name, &err)) return Fail(err);
  json::Document doc;
  const std::string_view sent =
      doc.Parse(reply.body) ? doc.root()["signal"].AsString().value_or("") : "";
  std::printf("%s: %s sent to each instance's %s\n", name.c_str(), std::string(sent).c_str(),
              cl.group ? "process group" : "main process");
  return 0;
}

}  // namespace

int RunClient(const CommandLine& cl) {
  // The daemon would refuse it anyway; saying the rule here is clearer than a 400 or a 404.
  if (!cl.operands.empty() && !config::IsValidProcessName(cl.operands[0])) {
    std::fprintf(stderr, "phpeek-pm: invalid process name '%s' (names match %s)\n",
                 cl.operands[0].c_str(), config::kProcessNameRule);
    return 2;
  }
  ApiEndpoint endpoint;
  std::string err;
  if (!client::ResolveEndpoint(cl, config::CurrentEnvironment(), &endpoint, &err)) {
    return Fail(err);
  }
  switch (cl.subcommand) {
    case Subcommand::kStatus:
      return RunStatus(cl, endpoint);
    case Subcommand::kJobs:
      return RunJobs(cl, endpoint);
    case Subcommand::kTrigger:
      return RunTrigger(cl, endpoint);
    case Subcommand::kReload:
      return cl.operands.empty() ? RunReload(endpoint) : RunProcessReload(cl, endpoint);
    case Subcommand::kSignal:
      return RunSignal(cl, endpoint);
    case Subcommand::kLogs:
      return client::RunLogs(cl, endpoint);
    case Subcommand::kEvents:
      return client::RunEvents(cl, endpoint);
    default:
      return RunAction(cl, endpoint);
  }
}

}  // namespace phpeek::cli
