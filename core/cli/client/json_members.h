// How the CLI's tables read members of the daemon's JSON answers: a member that is absent or of
// another type than expected reads as empty, so a table shows what it can of an older or newer
// daemon's answer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "phpeek/json.hpp"

namespace phpeek::cli::client {

std::string StringMember(const json::Value& o, std::string_view key);  // "" when not a string
int64_t Int64Member(const json::Value& o, std::string_view key);       // 0 when not an integer
int IntMember(const json::Value& o, std::string_view key);  // 0 also when it does not fit an int
std::optional<int64_t> OptionalInt(const json::Value& o, std::string_view key);

}  // namespace phpeek::cli::client
