#include "core/cli/client/json_members.h"

#include <limits>

namespace phpeek::cli::client {

std::string StringMember(const json::Value& o, std::string_view key) {
  return std::string(o[key].AsString().value_or(""));
}

int64_t Int64Member(const json::Value& o, std::string_view key) {
  return o[key].AsInt64().value_or(0);
}

int IntMember(const json::Value& o, std::string_view key) {
  const int64_t v = Int64Member(o, key);
  return v < 0 || v > std::numeric_limits<int>::max() ? 0 : static_cast<int>(v);
}

std::optional<int64_t> OptionalInt(const json::Value& o, std::string_view key) {
  const json::Read<int64_t> v = o[key].AsInt64();
  return v.ok() ? std::optional<int64_t>(v.value) : std::nullopt;
}

}  // namespace phpeek::cli::client
