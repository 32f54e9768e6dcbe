#include "plugins/common/control/query.h"

#include <charconv>

namespace phpeek::control {

std::optional<std::string_view> QueryParam(std::string_view target, std::string_view name) {
  const size_t question = target.find('?');
  if (question == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(question + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return std::nullopt;
}

std::optional<bool> FlagParam(std::string_view target, std::string_view name) {
  const std::optional<std::string_view> v = QueryParam(target, name);
  if (!v || *v == "false" || *v == "0") return false;
  if (v->empty() || *v == "true" || *v == "1") return true;
  return std::nullopt;
}

NumberParam ReadNumberParam(std::string_view target, std::string_view name, uint64_t lo,
                            uint64_t hi, uint64_t* out) {
  const std::optional<std::string_view> v = QueryParam(target, name);
  if (!v) return NumberParam::kAbsent;
  if (v->empty() || v->find_first_not_of("0123456789") != std::string_view::npos) {
    return NumberParam::kInvalid;
  }
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), value);
  if (ec != std::errc() || end != v->data() + v->size() || value < lo || value > hi) {
    return NumberParam::kInvalid;
  }
  *out = value;
  return NumberParam::kOk;
}

}  // namespace phpeek::control
