// RFC 6901 JSON Pointer lookup over JSON text, for the plugin host's config_get_json and
// config_get_string (the `global:` block reaches the core as JSON text). The whole document is
// parsed first, so a malformed document is reported as such, not as "absent".
#pragma once

#include <string>
#include <string_view>

#include "core/json/json_value.h"

namespace phpeek::json {

enum class LookupStatus { kFound, kNotFound, kBadPointer, kBadDocument };

struct Lookup {
  LookupStatus status = LookupStatus::kNotFound;
  std::string_view value;  // kFound: the value's JSON text, a view into the document
  ValueKind kind = ValueKind::kNull;
  std::string error;  // for anything but kFound: what went wrong, for messages
};

// Finds `pointer` ("" = the whole document, "/a/0/b~1c" = member "b/c" of element 0 of "a").
Lookup FindPointer(std::string_view document, std::string_view pointer);

// Decodes a JSON string literal (quotes included) into UTF-8. False when it is not one.
bool DecodeString(std::string_view literal, std::string* out);

// A scalar's text as a config value: strings decoded, numbers and booleans verbatim, null "".
// False for objects and arrays.
bool ScalarText(const Lookup& found, std::string* out);

}  // namespace phpeek::json
