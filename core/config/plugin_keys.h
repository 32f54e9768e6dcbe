// The `global:` keys the core does not own, checked against the schemas that the plugins declare
// (key_schema.h): a declared key is checked and normalised by its type (typed_value.h), a key
// that nobody declares is a warning with the closest key of the core or of any plugin, and a
// declared key that is not set gets its default. Then each loaded plugin's cross-key check runs on
// the result. Everything is reported through the Reader, positioned at the key concerned, in the
// same pass as the core's own keys.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/document.h"
#include "core/config/key_schema.h"
#include "core/config/reader.h"

namespace phpeek::config {

// A top-level `global:` key and its value in the normal form, as JSON text.
using KeyJson = std::pair<std::string, std::string>;

struct PluginKeysResult {
  std::vector<KeyJson> values;  // every leftover key (file order), then defaults of unset keys
  std::vector<std::string> plugins_with_errors;  // whose declared keys did not pass
};

// `leftover`: the entries of `global` that the core does not know, in file order. Conflicting
// declarations (two plugins, one key, different rules; a plugin declaring a core key) are errors
// at that key (ReportAtKeys).
PluginKeysResult ReadPluginKeys(Reader& r, const Node& global, SourcePos global_pos,
                                const std::vector<const MapEntry*>& leftover,
                                const PluginSchemas& schemas, const std::string& config_path);

// Reports each of `reports` at the key (or list item) it names in `global`; one that names none,
// or a key not in the file, goes to `global_pos` (the position of the `global:` key).
void ReportAtKeys(Reader& r, const Node& global, SourcePos global_pos,
                  const std::vector<KeyReport>& reports);

// Runs the validate hook of each active plugin whose declared keys all passed, on `config_json`
// ({"schema":1,"global":{...}} in the normal form), and reports what they say (ReportAtKeys).
void RunPluginChecks(Reader& r, const Node& global, SourcePos global_pos,
                     const PluginSchemas& schemas, const PluginKeysResult& keys,
                     const std::string& config_json);

}  // namespace phpeek::config
