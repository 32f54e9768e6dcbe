// Translations between the core's types and the integer codes of the plugin ABI
// (sdk/include/phpeek/plugin_abi.h): status codes and their names, control ops, event types and
// state words. Kept in one place so the ABI's numbers appear nowhere else in the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/supervisor/control.h"

namespace phpeek::plugin_host {

// "OK", "NOT_FOUND", ...; unknown codes give "INTERNAL". Static strings.
const char* StatusName(int32_t status);

int32_t ToAbiStatus(ControlResult result);

// nullopt for an op this host does not know (the caller answers E_UNSUPPORTED).
std::optional<ControlOp> FromAbiOp(int32_t op);
// PHPEEK_JOB_OP_*; nullopt for an op this host does not know.
std::optional<JobOp> FromAbiJobOp(int32_t op);

// 0 for an event that plugins are not sent (kReadinessChanged).
uint32_t ToAbiEventType(EventType type);
// The ABI minor that added the event type: a plugin that negotiated an older minor never gets it.
uint32_t AbiEventMinor(EventType type);

// PHPEEK_STATE_* for a Management API state word; PHPEEK_STATE_UNKNOWN for anything else.
int32_t ToAbiState(std::string_view state);
// PHPEEK_HEALTH_* for "unknown", "healthy", "unhealthy".
int32_t ToAbiHealth(std::string_view health);

}  // namespace phpeek::plugin_host
