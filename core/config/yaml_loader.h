// YAML text -> plain Node tree. This is the only place that talks to yaml-cpp; every exception it
// throws is caught here and becomes a Diagnostic with yaml-cpp's position.
#pragma once

#include <memory>
#include <string>

#include "core/config/diagnostic.h"
#include "core/config/document.h"

namespace phpeek::config {

// Parses the first YAML document of `text`; a later document gets a warning, text that starts no
// document (`[1, 2], 3`) is a syntax error. Returns nullptr after appending at least one error to
// `diagnostics` (syntax error, document too deep or too large). An empty document (only comments)
// yields a kNull root. `<<` merge keys are expanded; explicit keys win over merged ones. Time and
// memory are bounded by the size of `text` (see kMaxConfigBytes) whatever it holds.
std::unique_ptr<Node> ParseYaml(const std::string& text, const std::string& file,
                                Diagnostics* diagnostics);

}  // namespace phpeek::config
