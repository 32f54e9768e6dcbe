// The answer to a configuration reload (lifecycle.md "Reload"), as the API, the CLI and the log
// give it: 200 {"status":"reloaded","added":[],"removed":[],"restarted":[],"updated":[],
// "unchanged":N}; an invalid file {"status":"invalid","errors":[{file,line,column,...}]}; a reload
// that could not begin {"status":"refused","reason":...}.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config/diagnostic.h"

namespace phpeek::reload {

enum class ReloadStatus {
  kReloaded,     // the new configuration is in force
  kInvalid,      // the file has errors: nothing changed
  kBusy,         // another reload is under way: refused
  kStopping,     // the daemon is shutting down: refused
  kTimeout,      // accepted, but the answer did not come within the caller's wait
  kUnsupported,  // the daemon was started without a file to reload
};

const char* ToString(ReloadStatus status);

struct ReloadResult {
  ReloadStatus status = ReloadStatus::kReloaded;
  std::vector<std::string> added, removed, restarted, updated;  // updated includes scale-only
  size_t unchanged = 0;
  config::Diagnostics errors;  // kInvalid: every error-level diagnostic, in file order
  std::string message;         // one line for the log and refusals
};

// The JSON document of the answer (without "schema").
std::string ReloadJson(const ReloadResult& result);

// Counters for phpeek_pm_config_reloads_total and the last success's time.
struct ReloadStats {
  uint64_t success = 0;
  uint64_t failure = 0;  // invalid files (refusals of a busy or stopping daemon are not counted)
  int64_t last_success_unix_ms = 0;  // the start-up load counts as one
};

}  // namespace phpeek::reload
