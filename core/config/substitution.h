// `${VAR}` and `${VAR:-default}` expansion in scalar values; `$$` is a literal `$`. A `$` followed
// by anything else stays as written (so `$HOME` in a shell command reaches the shell untouched).
#pragma once

#include <map>
#include <string>

namespace phpeek::config {

// Expands `text` using `env`. An unset variable without a default, an unterminated `${` or a bad
// variable name returns false with `err` naming the variable ("environment variable DB_HOST is not
// set"). `${VAR:-default}` uses the default when VAR is unset or empty, as the shell does.
bool Substitute(const std::string& text, const std::map<std::string, std::string>& env,
                std::string* out, std::string* err);

// True when `text` contains something Substitute would change.
bool NeedsSubstitution(const std::string& text);

}  // namespace phpeek::config
