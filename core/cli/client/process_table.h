// The API's process list as plain structs, and its rendering as a `supervisorctl status`-like
// table. The JSON is read with the SDK's reader, phpeek/json.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phpeek::cli::client {

struct InstanceRow {
  std::string id;
  std::string state;
  int pid = 0;
  int64_t started_at = 0;
  int64_t restart_count = 0;
  int64_t reloads = 0;      // reload signals sent (process reloads)
  int last_exit_code = -1;  // -1 until a run ended with a status
  bool ready = false;
  std::string reason;  // why it is failed, backing off or blocked; or ""
};

struct ProcessRow {
  std::string name;
  std::string type;  // longrun oneshot scheduled; "" from a daemon that does not say
  std::string state;
  int scale = 0;
  bool ready = false;
  std::vector<std::string> waiting_for;  // dependencies its instances wait for
  std::string reason;                    // why it is blocked; or ""
  int64_t config_test_runs = 0;          // config_test runs ahead of restarts and reloads
  std::string config_test_error;         // why the last one failed; or ""
  std::vector<InstanceRow> instances;
};

// Parses {"processes":[...]} (or a single process object, when `single`).
bool ParseProcessList(const std::string& json, std::vector<ProcessRow>* out, std::string* err);
bool ParseProcess(const std::string& json, ProcessRow* out, std::string* err);

// One line per instance (one per process without instances): PROCESS INSTANCE STATE PID UPTIME
// RESTARTS. `now` is Unix seconds, for the uptime of running instances.
std::string RenderTable(const std::vector<ProcessRow>& processes, int64_t now);

// Rows of cells as left-aligned columns two spaces apart (the first row is the header).
std::string RenderColumns(const std::vector<std::vector<std::string>>& rows);

// "3d 04:05:06", "04:05:06"; "-" for not running.
std::string FormatUptime(int64_t seconds);

}  // namespace phpeek::cli::client
