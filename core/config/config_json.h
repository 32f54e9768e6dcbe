// The `global:` block as JSON text for plugins (Config::global_json), after substitution and
// overrides, in the normal form of sdk/include/phpeek/plugin_abi.h. Keys the core owns appear with
// their effective typed value, defaults included, so a plugin and the core never disagree on a
// default: durations as integer milliseconds, enums as their word, lists as arrays, unset optional
// values left out. Every other key comes from plugin_keys.h: declared keys in their normal form
// (with defaults), the rest as written.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"
#include "core/config/document.h"
#include "core/config/reader.h"
#include "core/json/json_writer.h"

namespace phpeek::config {

// The core's keys, the PHPeek PM keys of `global` (the block after overrides) as written, then
// `plugin_keys` (key, JSON value) in their order.
std::string RenderGlobalJson(Reader& r, const GlobalSpec& spec, const Node& global,
                             const std::vector<std::pair<std::string, std::string>>& plugin_keys);

// A value as written, for keys nobody declares a type for: plain integers and true/false
// (unquoted) as JSON numbers and booleans, every other scalar as a string (after substitution;
// problems reported through `r`), lists as arrays and maps as objects (the first of duplicate
// keys).
void WriteAsWritten(Reader& r, const Node& node, const std::string& path, json::Writer* w);

}  // namespace phpeek::config
