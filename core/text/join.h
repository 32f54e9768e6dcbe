// Lists in messages and log fields: "web,worker", "redis, db".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phpeek::text {

// The items in order, `separator` between them ("" for none).
std::string Join(const std::vector<std::string>& items, std::string_view separator = ",");

}  // namespace phpeek::text
