// RFC 6901 JSON Pointer over the SDK's JSON reader (phpeek/json.hpp), for the plugin host's
// config_get_json and config_get_string (the `global:` block reaches the core as JSON text). The
// whole document is parsed first, so a malformed document is reported as such, not as "absent".
#pragma once

#include <string>
#include <string_view>

#include "phpeek/json.hpp"

namespace phpeek::json {

enum class LookupStatus { kFound, kNotFound, kBadPointer, kBadDocument };

// Walks `pointer` ("" = `root` itself, "/a/0/b~1c" = member "b/c" of element 0 of "a") from
// `root`. kFound with *out set; kNotFound or kBadPointer with the reason in *err.
LookupStatus Resolve(const Value& root, std::string_view pointer, Value* out, std::string* err);

struct Lookup {
  LookupStatus status = LookupStatus::kNotFound;
  std::string_view value;  // kFound: the value's JSON text, a view into the document
  Kind kind = Kind::kNull;
  std::string scalar;  // kFound scalar: its ScalarText
  std::string error;   // for anything but kFound: what went wrong, for messages
};

// How FindPointer parses: the `global:` block is nested no deeper than the YAML loader allows (64
// levels); the margin keeps that the only limit.
inline constexpr Options kPointerDocumentOptions{128};

// Parses `document` (kPointerDocumentOptions) and resolves `pointer` in it.
Lookup FindPointer(std::string_view document, std::string_view pointer);

// A scalar's text as a config value: strings decoded, numbers and booleans verbatim, null "".
// False for objects and arrays.
bool ScalarText(const Value& value, std::string* out);
bool ScalarText(const Lookup& found, std::string* out);

}  // namespace phpeek::json
