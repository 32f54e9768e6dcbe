// What every host service thunk does around its body: no C++ exception may unwind into plugin
// code, whatever language it is written in, and a refusal is a status code plus its message.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "core/plugin_host/config_lookup.h"
#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

// Writes `message` to `err` (when there is one) and returns `code`.
inline int32_t Fail(phpeek_sink* err, int32_t code, std::string_view message) {
  Emit(err, message);
  return code;
}

// Runs `body`; an exception (from the core, or from a plugin's sink) becomes E_INTERNAL.
template <typename F>
int32_t Guard(phpeek_sink* err, F&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    try {
      return Fail(err, PHPEEK_E_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return PHPEEK_E_INTERNAL;
}

}  // namespace phpeek::plugin_host
