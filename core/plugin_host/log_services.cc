#include "core/plugin_host/log_services.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/log_json.h"
#include "core/plugin_host/service_call.h"
#include "core/process_logs/history.h"

namespace phpeek::plugin_host {
namespace {

using process_logs::HistoryQuery;
using process_logs::LogHistory;

bool Has(const ProcessStatus& p, const std::string& instance) {
  return std::any_of(p.instances.begin(), p.instances.end(),
                     [&](const InstanceStatus& i) { return i.id == instance; });
}

// A process is known while the configuration has it, or while lines of it are kept; an instance
// while its process has it (it may not have written yet), or while its lines are kept.
int32_t CheckNames(const Control& control, const LogHistory& logs, const std::string& process,
                   const std::string& instance, phpeek_sink* err) {
  std::optional<ProcessStatus> status;
  if (!process.empty()) {
    status = control.SnapshotOf(process);
    if (!status && !logs.HasProcess(process)) {
      return Fail(err, PHPEEK_E_NOT_FOUND, "no process named '" + process + "'");
    }
  }
  if (instance.empty()) return PHPEEK_OK;
  const std::string owner = logs.ProcessOf(instance);
  if (!owner.empty() && (process.empty() || owner == process)) return PHPEEK_OK;
  if (status) {
    if (Has(*status, instance)) return PHPEEK_OK;
    return Fail(err, PHPEEK_E_NOT_FOUND,
                "no instance '" + instance + "' of process '" + process + "'");
  }
  if (process.empty()) {
    for (const ProcessStatus& p : control.Snapshot()) {
      if (Has(p, instance)) return PHPEEK_OK;
    }
  }
  return Fail(err, PHPEEK_E_NOT_FOUND, "no instance named '" + instance + "'");
}

// The checks log_read and log_follow share; on success *logs and *query are set.
int32_t Prepare(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                uint32_t limit, phpeek_sink* err, LogHistory** logs, HistoryQuery* query) {
  if (h == nullptr || h->control == nullptr) {
    return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
  }
  *logs = h->control->ProcessLogs();
  if (*logs == nullptr) return Fail(err, PHPEEK_E_UNSUPPORTED, "this host keeps no process logs");
  if (limit > kMaxLogLimit) {
    return Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                "limit " + std::to_string(limit) + " is above " + std::to_string(kMaxLogLimit));
  }
  query->process = process == nullptr ? "" : process;
  query->instance = instance == nullptr ? "" : instance;
  if (const int32_t code = CheckNames(*h->control, **logs, query->process, query->instance, err);
      code != PHPEEK_OK) {
    return code;
  }
  if (since > 0) query->since = since;
  query->limit = limit == 0 ? kDefaultLogLimit : limit;
  return PHPEEK_OK;
}

int32_t SinceBeyond(phpeek_sink* err, uint64_t since, uint64_t newest) {
  return Fail(
      err, PHPEEK_E_INVALID_ARGUMENT,
      "since " + std::to_string(since) + " is above the newest seq " + std::to_string(newest));
}

}  // namespace

int32_t LogRead(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                uint32_t limit, phpeek_sink* out, phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    LogHistory* logs = nullptr;
    HistoryQuery query;
    if (const int32_t code = Prepare(h, process, instance, since, limit, err, &logs, &query);
        code != PHPEEK_OK) {
      return code;
    }
    const process_logs::HistoryPage page = logs->Read(query);
    if (since > page.newest_seq) return SinceBeyond(err, since, page.newest_seq);
    Emit(out, LogPageJson(page));
    return PHPEEK_OK;
  });
}

int32_t LogFollow(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                  uint32_t limit, uint32_t queue_lines, uint64_t* out_id, phpeek_sink* backlog,
                  phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (out_id == nullptr) return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "out_id is required");
    LogHistory* logs = nullptr;
    HistoryQuery query;
    if (const int32_t code = Prepare(h, process, instance, since, limit, err, &logs, &query);
        code != PHPEEK_OK) {
      return code;
    }
    if (queue_lines > kMaxQueueLines) {
      return Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                  "queue_lines " + std::to_string(queue_lines) + " is above " +
                      std::to_string(kMaxQueueLines));
    }
    if (h->host_stopping != nullptr && h->host_stopping->load()) {
      return Fail(err, PHPEEK_E_STOPPING, "the daemon is shutting down");
    }
    const size_t lines = queue_lines == 0 ? kDefaultQueueLines : queue_lines;
    const size_t bytes = std::clamp(lines * kQueueBytesPerLine, kMinQueueBytes, kMaxQueueBytes);
    LogHistory::FollowStart start = logs->Follow(query, {lines, bytes});
    if (since > start.backlog.newest_seq) return SinceBeyond(err, since, start.backlog.newest_seq);
    const std::string json = LogPageJson(start.backlog);
    *out_id = h->log_follows.Add(std::move(start.live));
    Emit(backlog, json);
    return PHPEEK_OK;
  });
}

int32_t LogNext(phpeek_host* h, uint64_t id, uint32_t timeout_ms, phpeek_sink* out,
                phpeek_sink* err) noexcept {
  return Guard(err, [&] {
    if (h == nullptr) return Fail(err, PHPEEK_E_INVALID_ARGUMENT, "host context is required");
    const auto follower = h->log_follows.Find(id);
    if (!follower) return Fail(err, PHPEEK_E_NOT_FOUND, "no log follow " + std::to_string(id));
    if (timeout_ms > 0 && EventDispatcher::OnDispatchThread()) {
      return Fail(err, PHPEEK_E_WOULD_BLOCK,
                  "a blocking call (timeout_ms > 0) from an event callback");
    }
    Emit(out, LogBatchJson(follower->Wait(std::chrono::milliseconds(timeout_ms), kMaxBatchBytes)));
    return PHPEEK_OK;
  });
}

int32_t LogUnfollow(phpeek_host* h, uint64_t id) noexcept {
  return Guard(nullptr, [&] {
    if (h == nullptr) return PHPEEK_E_INVALID_ARGUMENT;
    return h->log_follows.Remove(id) ? PHPEEK_OK : PHPEEK_E_NOT_FOUND;
  });
}

}  // namespace phpeek::plugin_host
