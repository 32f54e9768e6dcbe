// One `global:` value read by the type a plugin declared for it (key_schema.h), written in the
// normal form of plugin_abi.h: durations as integer milliseconds, sizes as integer bytes, paths
// absolute, lists as arrays of strings. Problems are reported through the Reader at the value's
// position (or naming the PHPEEK_PM_GLOBAL_* variable it came from).
#pragma once

#include <string>

#include "core/config/document.h"
#include "core/config/key_schema.h"
#include "core/config/reader.h"
#include "core/json/json_writer.h"

namespace phpeek::config {

// Checks `node` against `key` and appends its normal form to `out` (one JSON value). False, with
// the problem reported and nothing written, when it does not pass. `config_path` is the file that
// relative paths are resolved against. A list or an object set from the environment is text: a
// list is split at commas; an object cannot be set that way.
bool WriteTypedValue(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                     const std::string& config_path, json::Writer* out);

// Whether `node` counts as "not set" for a key with empty_is_unset: null, or empty text after
// substitution. Substitution problems are left for WriteTypedValue to report.
bool IsUnsetValue(Reader& r, const Node& node, const std::string& path, const KeySchema& key);

// The normal form of the key's default (as one JSON value), or "" when it has none. False with
// `err` when the default does not pass the key's own rules.
bool DefaultJson(const KeySchema& key, const std::string& config_path, std::string* json,
                 std::string* err);

// A host name, or an IPv4 or IPv6 literal (IPv6 possibly in brackets), without a port. `normal` is
// the text without brackets; `err` says what is wrong.
bool ParseAddress(const std::string& text, std::string* normal, std::string* err);

}  // namespace phpeek::config
