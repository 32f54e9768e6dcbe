// Query parameters of a request-target ("/path?sync=true&limit=5"). The API's parameters take
// plain values (true, false, digits, names), so nothing is percent-decoded: a value that is
// encoded is not one of them and is refused by its reader with a 400.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace phpeek::control {

// The raw value of the first `name` parameter ("" for "?name" or "?name="); nullopt when absent.
std::optional<std::string_view> QueryParam(std::string_view target, std::string_view name);

// `name` as a yes/no: absent, "false" or "0" is no; "", "true" or "1" is yes; nullopt for
// anything else.
std::optional<bool> FlagParam(std::string_view target, std::string_view name);

enum class NumberParam { kAbsent, kOk, kInvalid };
// `name` as a whole number (ASCII digits only) from `lo` to `hi` into *out.
NumberParam ReadNumberParam(std::string_view target, std::string_view name, uint64_t lo,
                            uint64_t hi, uint64_t* out);

}  // namespace phpeek::control
