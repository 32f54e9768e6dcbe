// PHPEEK_PM_GLOBAL_<KEY>=value overrides `global.<key>` (precedence: environment > file >
// default). The override replaces the value in the plain tree before typing, so it goes through
// exactly the same checks as a value in the file; its diagnostics name the variable.
#pragma once

#include <map>
#include <string>

#include "core/config/document.h"
#include "core/config/reader.h"

namespace phpeek::config {

inline constexpr char kGlobalOverridePrefix[] = "PHPEEK_PM_GLOBAL_";

// `global` must be a map node (possibly empty). `plugins` takes a comma-separated list;
// `readiness` (an object) cannot be overridden and is reported as an error.
void ApplyGlobalOverrides(Reader& r, const std::map<std::string, std::string>& env, Node* global);

}  // namespace phpeek::config
