// Loading one plugin library: dlopen (RTLD_NOW | RTLD_LOCAL), lookup of the entry symbol for ABI
// major 1, the version handshake and validation of the descriptor. Every refusal is one message
// that names the plugin, its path and the reason, including what it was built for and what this
// host speaks. A descriptor's key schema (config_keys, ABI 1.1) is copied and checked here too: a
// plugin that declares a key badly is refused like one with a bad version. Libraries are never
// dlclose()d: a plugin's GNU-unique statics would pin it anyway, and a thread it left behind would
// crash on unmap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/key_schema.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

// What to load. `name` is what the configuration calls it (and what the descriptor must say).
// `path` is the file; empty when a search found none (`searched` lists where it looked). `key`
// and `item` name what in `global:` asks for it ("api_enabled", or "plugins" and the list index),
// so that a failure can be shown there.
struct PluginRequest {
  std::string name;
  std::string path;
  std::vector<std::string> searched{};
  std::string key{};
  int item = -1;
};

struct LoadedPlugin {
  std::string name;
  std::string path;
  std::string version;
  std::string description;
  phpeek_plugin_api_v1 api{};  // host-side copy; hooks absent from an older plugin are NULL
  uint32_t built_major = 0;
  uint32_t built_minor = 0;
  uint32_t negotiated_minor = 0;
  // config_keys (typed) and global_keys (untyped, unless also typed), in declaration order.
  std::vector<config::KeySchema> keys;
};

enum class LoadOutcome { kLoaded, kAbsent, kFailed };

// Loads `request.path`. kAbsent when the file does not exist (message says where it looked).
LoadOutcome LoadPlugin(const PluginRequest& request, LoadedPlugin* out, std::string* err);

// The handshake on a descriptor already obtained from the entry; `host_minor` is a parameter so
// that tests can play an older or newer host. On refusal `reason` says why (without the prefix).
bool Negotiate(const phpeek_plugin_api_v1* descriptor, const std::string& expected_name,
               uint32_t host_minor, LoadedPlugin* out, std::string* reason);

// [a-z0-9][a-z0-9_.-]*, at most 64 characters (process names also allow capitals; plugin names
// stay lower-case, as sdk/include/phpeek/plugin_abi.h documents).
bool IsValidPluginName(const std::string& name);

}  // namespace phpeek::plugin_host
