#include "core/plugin_isolation/event_frame.h"

#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {

Frame EventFrame(const plugin_host::AbiEvent& e) {
  Frame f(kEvent, 0);
  f.Int(e.type).Int(e.since_minor).Int(static_cast<int64_t>(e.seq)).Int(e.unix_ms);
  f.Str(e.process).Str(e.instance).Int(e.pid).Int(e.exit_code).Int(e.signal);
  f.Int(e.old_state).Int(e.new_state).Str(e.detail_json);
  return f;
}

std::shared_ptr<const plugin_host::AbiEvent> EventFromFrame(const Frame& frame) {
  FieldReader r(frame);
  auto e = std::make_shared<plugin_host::AbiEvent>();
  e->type = static_cast<uint32_t>(r.Int());
  e->since_minor = static_cast<uint32_t>(r.Int());
  e->seq = static_cast<uint64_t>(r.Int());
  e->unix_ms = r.Int();
  e->process = r.Str();
  e->instance = r.Str();
  e->pid = static_cast<int32_t>(r.Int());
  e->exit_code = static_cast<int32_t>(r.Int());
  e->signal = static_cast<int32_t>(r.Int());
  e->old_state = static_cast<int32_t>(r.Int());
  e->new_state = static_cast<int32_t>(r.Int());
  e->detail_json = r.Str();
  if (!r.ok() || frame.kind != kEvent) return nullptr;
  return e;
}

}  // namespace phpeek::plugin_isolation
