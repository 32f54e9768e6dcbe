#include "plugins/metrics/fpm_status.h"

#include <utility>

#include "phpeek/json.hpp"

namespace phpeek::metrics {

bool ParseFpmStatus(std::string_view json, FpmPoolStatus* out, std::string* err) {
  json::Document doc;
  std::string parse_err;
  if (!doc.Parse(json, &parse_err)) {
    *err = "not php-fpm's status: " + parse_err;
    return false;
  }
  if (!doc.root().is_object()) {
    *err = "not php-fpm's status: not a JSON object";
    return false;
  }
  const std::pair<const char*, int64_t*> fields[] = {
      {"active processes", &out->active_processes},
      {"idle processes", &out->idle_processes},
      {"total processes", &out->total_processes},
      {"listen queue", &out->listen_queue},
      {"max listen queue", &out->max_listen_queue},
      {"accepted conn", &out->accepted_connections},
      {"max children reached", &out->max_children_reached},
      {"slow requests", &out->slow_requests},
  };
  for (const auto& [key, target] : fields) {
    const json::Read<int64_t> value = doc.root()[key].AsInt64();
    if (!value.ok() || value.value < 0) {
      *err = std::string("not php-fpm's status: \"") + key + "\" is " +
             (value.missing() ? "missing" : "not a non-negative integer");
      return false;
    }
    *target = value.value;
  }
  return true;
}

}  // namespace phpeek::metrics
