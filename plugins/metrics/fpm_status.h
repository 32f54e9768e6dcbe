// php-fpm's status page in its JSON form (`pm.status_path` asked with `?json`), decoded with the
// SDK's JSON reader:
//   {"pool":"www","process manager":"dynamic","start time":1700000000,"start since":42,
//    "accepted conn":12,"listen queue":0,"max listen queue":0,"listen queue len":0,
//    "idle processes":1,"active processes":1,"total processes":2,"max active processes":1,
//    "max children reached":0,"slow requests":0}
// Every figure published must be there as a non-negative integer: anything else is not a status
// page (a PHP script's output, an error page) and is refused rather than half read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace phpeek::metrics {

struct FpmPoolStatus {
  int64_t active_processes = 0;
  int64_t idle_processes = 0;
  int64_t total_processes = 0;
  int64_t listen_queue = 0;
  int64_t max_listen_queue = 0;
  int64_t accepted_connections = 0;
  int64_t max_children_reached = 0;
  int64_t slow_requests = 0;
};

// False with `err` ("not php-fpm's status: ...") when `json` is not a status document.
bool ParseFpmStatus(std::string_view json, FpmPoolStatus* out, std::string* err);

}  // namespace phpeek::metrics
