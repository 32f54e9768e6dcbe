// config_get_json and config_get_string of the plugin ABI over the `global:` block's JSON text:
// shared by the host services (a running plugin) and the configuration view of validate_config (a
// plugin being checked, with no host context yet), so both answer the same way.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/plugin_host/sink.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

// The JSON value at `pointer` (RFC 6901, "" = the whole block). E_NOT_FOUND, E_INVALID_ARGUMENT
// (malformed pointer) or E_INTERNAL (the block is not JSON), with the reason written to `err`.
int32_t ConfigGetJson(std::string_view global_json, const char* pointer, phpeek_sink* out,
                      phpeek_sink* err);
// The same for scalars as plain text (strings unquoted, null as ""); E_TYPE for objects and arrays.
int32_t ConfigGetString(std::string_view global_json, const char* pointer, phpeek_sink* out,
                        phpeek_sink* err);

}  // namespace phpeek::plugin_host
