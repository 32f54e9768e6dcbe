// The log and event routes of the Api (handlers.h): GET /api/v1/processes/{name}/logs,
// GET /api/v1/logs and GET /api/v1/events. A read answers JSON; follow=1 (and the events route,
// always) answers text/event-stream through the StreamHub (stream_hub.h).
#include <string>
#include <utility>

#include "plugins/common/control/error_body.h"
#include "plugins/common/control/query.h"
#include "plugins/common/control/sse_answer.h"
#include "plugins/common/control/stream_hub.h"
#include "plugins/rest-api/handlers.h"
#include "plugins/rest-api/host_answer.h"

namespace phpeek::rest {
namespace {

constexpr uint64_t kMaxLogLimit = 10000;  // log_read's bound (plugin_abi.h)

HttpResponse BadRequest(std::string detail) {
  return control::ErrorResponse(400, control::ErrorPhrase(400), detail);
}

HttpResponse TooManyStreams(const control::StreamHub& hub) {
  HttpResponse r = control::ErrorResponse(
      503, "too many streams",
      std::to_string(hub.options().max_streams) +
          " streams are open (global.api_max_streams); close one or retry later");
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

HttpResponse NoStreams() {
  return control::ErrorResponse(501, control::ErrorPhrase(501), "this API serves no streams");
}

}  // namespace

HttpResponse Api::Logs(const std::string& name, const HttpRequest& request) const {
  const std::string_view target = request.target;
  control::LogQuery query;
  query.process = name;
  uint64_t number = 0;
  switch (control::ReadNumberParam(target, "limit", 1, kMaxLogLimit, &number)) {
    case control::NumberParam::kInvalid:
      return BadRequest("limit must be a whole number from 1 to " + std::to_string(kMaxLogLimit));
    case control::NumberParam::kOk:
      query.limit = static_cast<uint32_t>(number);
      break;
    case control::NumberParam::kAbsent:
      break;
  }
  switch (control::ReadNumberParam(target, "since", 0, UINT64_MAX, &query.since)) {
    case control::NumberParam::kInvalid:
      return BadRequest("since must be the seq of a log entry (a whole number)");
    default:
      break;
  }
  if (const auto instance = control::QueryParam(target, "instance")) {
    if (name.empty()) {
      return BadRequest("instance needs its process: GET /api/v1/processes/{name}/logs?instance=");
    }
    if (!IsValidInstanceId(*instance)) {
      return BadRequest("instance must be an instance id such as " + name + "-0");
    }
    query.instance = std::string(*instance);
  }
  const std::optional<bool> follow = control::FlagParam(target, "follow");
  if (!follow) return BadRequest("follow must be true or false (1 or 0)");
  if (!*follow) {
    std::string host_json;
    const control::BackendResult r = backend_->ReadLogs(query, &host_json);
    if (r.code != control::BackendCode::kOk) return LogsError(query, r);
    return HostObject(200, host_json);
  }
  std::optional<uint64_t> last_id;
  std::string err;
  if (!control::LastEventId(request, &last_id, &err)) return BadRequest(err);
  if (last_id) query.since = *last_id;  // the client's resume point wins over ?since
  if (options_.streams == nullptr) return NoStreams();
  if (request.head) return control::SseAnswer(nullptr);
  control::StreamHub::Opened opened = options_.streams->OpenLogs(query, last_id.has_value());
  if (opened.busy) return TooManyStreams(*options_.streams);
  if (opened.result.code != control::BackendCode::kOk) return LogsError(query, opened.result);
  return control::SseAnswer(std::move(opened.stream));
}

// 404 says which of the two is unknown; 400 for since above the newest seq.
HttpResponse Api::LogsError(const control::LogQuery& query, const control::BackendResult& r) const {
  if (r.code == control::BackendCode::kNotFound) {
    bool process_known = false;
    if (!query.instance.empty()) {
      std::string ignored;
      process_known =
          backend_->ReadLogs(control::LogQuery{query.process, "", 0, 1}, &ignored).code ==
          control::BackendCode::kOk;
    }
    return control::ErrorResponse(404, process_known ? "instance not found" : "process not found",
                                  r.message);
  }
  if (r.code == control::BackendCode::kInvalidArgument) return BadRequest(r.message);
  return BackendError(std::nullopt, r);
}

HttpResponse Api::Events(const HttpRequest& request) const {
  const std::string_view target = request.target;
  uint64_t limit = 0;
  if (control::ReadNumberParam(target, "limit", 0, control::kEventHistory, &limit) ==
      control::NumberParam::kInvalid) {
    return BadRequest("limit must be a whole number from 0 to " +
                      std::to_string(control::kEventHistory));
  }
  std::optional<uint64_t> after;
  uint64_t since = 0;
  if (control::ReadNumberParam(target, "since", 0, UINT64_MAX, &since) ==
      control::NumberParam::kInvalid) {
    return BadRequest("since must be the seq of an event (a whole number)");
  }
  if (control::QueryParam(target, "since")) after = since;
  std::string err;
  if (!control::LastEventId(request, &after, &err)) return BadRequest(err);
  if (options_.streams == nullptr) return NoStreams();
  if (request.head) return control::SseAnswer(nullptr);
  control::StreamHub::Opened opened = options_.streams->OpenEvents(after, limit);
  if (opened.busy) return TooManyStreams(*options_.streams);
  if (opened.result.code != control::BackendCode::kOk)
    return BackendError(std::nullopt, opened.result);
  return control::SseAnswer(std::move(opened.stream));
}

}  // namespace phpeek::rest
