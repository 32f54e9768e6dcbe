// `${VAR}` and `${VAR:-default}` expansion in scalar values; `$$` is a literal `$`. A `$` followed
// by anything else stays as written (so `$HOME` in a shell command reaches the shell untouched).
#pragma once

#include <map>
#include <string>

namespace phpeek::config {

// Expands `text` using `env`. Unset variables without a default, an unterminated `${` or a bad
// variable name return false with `err` naming them all ("environment variable DB_HOST is not
// set", "environment variables DB_HOST and DB_PORT are not set"). `${VAR:-default}` uses the
// default when VAR is unset or empty, as the shell does.
bool Substitute(const std::string& text, const std::map<std::string, std::string>& env,
                std::string* out, std::string* err);

// True when `text` contains something Substitute would change.
bool NeedsSubstitution(const std::string& text);

}  // namespace phpeek::config
