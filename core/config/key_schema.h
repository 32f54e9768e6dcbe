// `global:` keys that plugins declare (phpeek_config_key in sdk/include/phpeek/plugin_abi.h), in
// the core's terms: the loader checks and normalises them like its own keys (plugin_keys.h). The
// plugin host builds these from descriptors; nothing here knows about dlopen or the C ABI.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config/config.h"
#include "core/config/diagnostic.h"

namespace phpeek::config {

enum class KeyType {
  kUntyped,  // a 1.0 plugin's global_keys entry, or a type this host does not know: as written
  kString,
  kInt,
  kBool,
  kDuration,  // normal form: integer milliseconds
  kBytes,     // normal form: integer bytes
  kAddress,
  kPath,  // normal form: absolute, relative to the configuration file's folder
  kEnum,
  kList,
  kObject,
};

// "string", "int", ...: the names check-config and the reference use.
const char* ToString(KeyType type);

struct KeySchema {
  std::string name;
  KeyType type = KeyType::kUntyped;
  std::string help;
  std::optional<int64_t> min;  // the value, milliseconds, bytes, length or item count (by type)
  std::optional<int64_t> max;
  std::optional<std::string> default_text;  // as written in the file; a list as "a,b"
  std::vector<std::string> allowed;         // kEnum
  bool empty_is_unset = false;
};

// Something a plugin says about the configuration, or about loading the plugin itself. `key` is a
// top-level `global:` key ("" for the block); `item` an index into that key's list (-1: none).
// The loader gives it the position of that key (or item) in the file.
struct KeyReport {
  Severity severity = Severity::kError;
  std::string key;
  int item = -1;
  std::string message;
  std::string hint;
};

// A plugin's cross-key check: gets {"schema":1,"global":{...}} in the normal form.
using ValidateFn = std::function<std::vector<KeyReport>(const std::string& config_json)>;

struct PluginSchema {
  std::string plugin;
  std::vector<KeySchema> keys;  // typed and untyped
  ValidateFn validate;          // empty: no cross-key check
  // False for a first-party plugin whose switch is off: read only so that its keys are known and
  // checked; its validate is not run.
  bool active = true;
};

struct PluginSchemas {
  std::vector<PluginSchema> plugins;
  std::vector<KeyReport> problems;  // plugins that could not be loaded, at what asked for them
};

// Called by the loader once the core's `global:` keys are read: the plugins that configuration
// loads, with their schemas. `leftover` are the `global:` keys the core does not know (so a
// provider may read the schemas of plugins that are switched off, to know their keys).
using SchemaProvider =
    std::function<PluginSchemas(const GlobalSpec& global, const std::string& config_path,
                                const std::vector<std::string>& leftover)>;

// Whether a declared schema is usable: name, help, range, allowed values, and a default that
// passes the key's own rules. Empty when it is, else the reason.
std::string CheckKeySchema(const KeySchema& key);

// [a-z0-9_]+, at most 64 characters.
bool IsValidKeyName(const std::string& name);

}  // namespace phpeek::config
