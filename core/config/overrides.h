// PHPEEK_PM_GLOBAL_<KEY>=value overrides `global.<key>` (precedence: environment > file >
// default). The override replaces the value in the plain tree before typing, so it goes through
// exactly the same checks as a value in the file; its diagnostics name the variable.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/config/document.h"
#include "core/config/reader.h"

namespace phpeek::config {

inline constexpr char kGlobalOverridePrefix[] = "PHPEEK_PM_GLOBAL_";

// `global` must be a map node (possibly empty). `plugins` takes a comma-separated list, and so
// does `plugin_dir` when the value has a comma; `readiness` (an object) cannot be overridden and
// is reported as an error. Every other value is a scalar here: a plugin's key declared as a list
// is split by WriteTypedValue (typed_value.h), which knows the declared types.
void ApplyGlobalOverrides(Reader& r, const std::map<std::string, std::string>& env, Node* global);

// "a, b,c" -> a list node of "a", "b", "c" (items trimmed, empty items left out), each item
// carrying `var` as its origin and `pos` as its position.
std::unique_ptr<Node> ListFromText(const std::string& text, const std::string& var, SourcePos pos);

}  // namespace phpeek::config
