// Turns the host's process snapshots (plugin_abi.h, "schema": 1) into the Management API's JSON:
// the fields of management-api.md plus "ready" (process and instance), "health" (an instance
// with a health check; lifecycle.md) and an instance's "reason" when it has one (why it is failed
// or backing off: the pre_start hook that failed, the spawn error; lifecycle.md "Hooks"), so that
// other keys the host adds in later ABI minors do not change the API's answers.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::rest {

// {"schema":1,"processes":[...]} -> {"processes":[...]}.
bool RenderProcessList(std::string_view host_json, std::string* out, std::string* err);
// {"schema":1,"name":...} -> {"name","state","scale","instances":[...]}.
bool RenderProcess(std::string_view host_json, std::string* out, std::string* err);
// The desired instance count of a single-process snapshot.
bool ReadDesiredScale(std::string_view host_json, int* scale, std::string* err);

}  // namespace phpeek::rest
