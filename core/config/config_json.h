// The `global:` block as JSON text for plugins (Config::global_json), after substitution and
// overrides. Keys the core owns appear with their effective typed value, defaults included, so a
// plugin and the core never disagree on a default: durations as integer milliseconds, sizes as
// integer bytes, unset optional values left out. Every other key (a plugin's own) is rendered as
// written: plain integers and booleans as JSON numbers and booleans, everything else as strings,
// lists as arrays and maps as objects.
#pragma once

#include <string>

#include "core/config/config.h"
#include "core/config/document.h"
#include "core/config/reader.h"

namespace phpeek::config {

// `global` is the block after overrides (a map or null). Substitution problems in plugin keys are
// reported through `r`.
std::string RenderGlobalJson(Reader& r, const GlobalSpec& spec, const Node& global);

}  // namespace phpeek::config
