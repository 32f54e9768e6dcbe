#include "core/plugin_host/config_lookup.h"

#include <string>

#include "core/json/json_pointer.h"
#include "core/plugin_host/service_call.h"

namespace phpeek::plugin_host {
namespace {

// Shared lookup for the two getters; false with *code set when there is nothing to give.
bool Find(std::string_view global_json, const char* pointer, json::Lookup* found, int32_t* code,
          phpeek_sink* err) {
  if (pointer == nullptr) {
    *code = Fail(err, PHPEEK_E_INVALID_ARGUMENT, "pointer is required");
    return false;
  }
  *found = json::FindPointer(global_json, pointer);
  switch (found->status) {
    case json::LookupStatus::kFound:
      return true;
    case json::LookupStatus::kNotFound:
      *code = Fail(err, PHPEEK_E_NOT_FOUND, "global" + std::string(pointer) + ": " + found->error);
      return false;
    case json::LookupStatus::kBadPointer:
      *code = Fail(err, PHPEEK_E_INVALID_ARGUMENT,
                   "invalid JSON Pointer '" + std::string(pointer) + "': " + found->error);
      return false;
    case json::LookupStatus::kBadDocument:
      break;
  }
  *code = Fail(err, PHPEEK_E_INTERNAL, "global block is not valid JSON: " + found->error);
  return false;
}

}  // namespace

int32_t ConfigGetJson(std::string_view global_json, const char* pointer, phpeek_sink* out,
                      phpeek_sink* err) {
  json::Lookup found;
  int32_t code = PHPEEK_OK;
  if (!Find(global_json, pointer, &found, &code, err)) return code;
  Emit(out, found.value);
  return PHPEEK_OK;
}

int32_t ConfigGetString(std::string_view global_json, const char* pointer, phpeek_sink* out,
                        phpeek_sink* err) {
  json::Lookup found;
  int32_t code = PHPEEK_OK;
  if (!Find(global_json, pointer, &found, &code, err)) return code;
  std::string text;
  if (!json::ScalarText(found, &text)) {
    return Fail(err, PHPEEK_E_TYPE,
                "global" + std::string(pointer) + " is an object or array, not a scalar");
  }
  Emit(out, text);
  return PHPEEK_OK;
}

}  // namespace phpeek::plugin_host
