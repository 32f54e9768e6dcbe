// Query parameters of a request-target ("/path?sync=true&limit=5"). The API's parameters take
// plain values (true, false, digits), so nothing is percent-decoded: a value that is encoded is
// not one of them and is refused by its reader with a 400.
#pragma once

#include <optional>
#include <string_view>

namespace phpeek::rest {

// The raw value of the first `name` parameter ("" for "?name" or "?name="); nullopt when absent.
std::optional<std::string_view> QueryParam(std::string_view target, std::string_view name);

}  // namespace phpeek::rest
