#include "core/plugin_isolation/host_requests.h"

#include <string>

#include "core/plugin_host/host_context.h"
#include "core/plugin_host/sink.h"
#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {
namespace {

Frame Reply(uint64_t id, int32_t code, const std::string& out, const std::string& err) {
  Frame f(kReply, id);
  f.Int(code).Str(out).Str(err);
  return f;
}

}  // namespace

bool MayBlock(const Frame& request) {
  if (request.kind == kConfigReload) return FieldReader(request).Int() > 0;
  if (request.kind != kJobControl && request.kind != kJobWait) return false;
  FieldReader r(request);
  if (request.kind == kJobControl) {
    r.Int();  // op
    r.Str();  // name
  } else {
    r.Str();  // name
    r.Int();  // run id
  }
  return r.Int() > 0 && r.ok();
}

bool ServeRequest(const Frame& request, phpeek_host* host, Frame* reply) {
  const phpeek_host_api_v1* api = plugin_host::HostServices();
  std::string out;
  std::string err;
  phpeek_sink out_sink = plugin_host::StringSink(&out);
  phpeek_sink err_sink = plugin_host::StringSink(&err);
  FieldReader r(request);
  int32_t code = PHPEEK_E_UNSUPPORTED;
  switch (request.kind) {
    case kLog: {
      const auto level = static_cast<int32_t>(r.Int());
      const std::string text = r.Str();
      if (r.ok()) api->log(host, level, text.data(), text.size());
      return false;
    }
    case kProcessList:
      code = api->process_list(host, &out_sink, &err_sink);
      break;
    case kProcessGet: {
      const std::string name = r.Str();
      if (r.ok()) code = api->process_get(host, name.c_str(), &out_sink, &err_sink);
      break;
    }
    case kProcessControl: {
      const auto op = static_cast<int32_t>(r.Int());
      const std::string name = r.Str();
      const auto arg = static_cast<int32_t>(r.Int());
      const auto timeout = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->process_control(host, op, name.c_str(), arg, timeout, &err_sink);
      break;
    }
    case kDaemonStatus:
      code = api->daemon_status(host, &out_sink, &err_sink);
      break;
    case kJobGet: {
      const std::string name = r.Str();
      if (r.ok()) code = api->job_get(host, name.c_str(), &out_sink, &err_sink);
      break;
    }
    case kJobHistory: {
      const std::string name = r.Str();
      const auto limit = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->job_history(host, name.c_str(), limit, &out_sink, &err_sink);
      break;
    }
    case kJobControl: {
      const auto op = static_cast<int32_t>(r.Int());
      const std::string name = r.Str();
      const auto timeout = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->job_control(host, op, name.c_str(), timeout, &out_sink, &err_sink);
      break;
    }
    case kJobWait: {
      const std::string name = r.Str();
      const int64_t run = r.Int();
      const auto timeout = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->job_wait(host, name.c_str(), run, timeout, &out_sink, &err_sink);
      break;
    }
    case kConfigReload: {
      const auto timeout = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->config_reload(host, timeout, &out_sink, &err_sink);
      break;
    }
    case kLogRead: {
      const std::string process = r.Str();
      const std::string instance = r.Str();
      const auto since = static_cast<uint64_t>(r.Int());
      const auto limit = static_cast<uint32_t>(r.Int());
      if (r.ok()) {
        code = api->log_read(host, process.c_str(), instance.c_str(), since, limit, &out_sink,
                             &err_sink);
      }
      break;
    }
    case kLogFollow: {
      const std::string process = r.Str();
      const std::string instance = r.Str();
      const auto since = static_cast<uint64_t>(r.Int());
      const auto limit = static_cast<uint32_t>(r.Int());
      const auto queue = static_cast<uint32_t>(r.Int());
      uint64_t id = 0;
      if (!r.ok()) break;
      code = api->log_follow(host, process.c_str(), instance.c_str(), since, limit, queue, &id,
                             &out_sink, &err_sink);
      *reply = Reply(request.id, code, out, err);
      reply->Int(static_cast<int64_t>(id));
      return true;
    }
    case kLogNext: {
      const auto id = static_cast<uint64_t>(r.Int());
      const auto timeout = static_cast<uint32_t>(r.Int());
      if (r.ok()) code = api->log_next(host, id, timeout, &out_sink, &err_sink);
      break;
    }
    case kLogUnfollow: {
      const auto id = static_cast<uint64_t>(r.Int());
      if (r.ok()) code = api->log_unfollow(host, id);
      break;
    }
    default:
      err = "unknown request kind " + std::to_string(request.kind);
      break;
  }
  if (!r.ok()) {
    code = PHPEEK_E_INVALID_ARGUMENT;
    err = "malformed request of kind " + std::to_string(request.kind);
  }
  *reply = Reply(request.id, code, out, err);
  return true;
}

}  // namespace phpeek::plugin_isolation
