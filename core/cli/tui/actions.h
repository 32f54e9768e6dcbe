// What the TUI asks the daemon to do, as data: the question its confirmation dialog asks, the API
// request, and the line the status bar shows after. Every change (start, stop, restart, scale,
// trigger) goes through a confirmation; Perform sends it with the CLI's API client.
#pragma once

#include <string>

#include "core/cli/client/api_endpoint.h"

namespace phpeek::cli::tui {

struct Action {
  std::string question;  // "Restart web (2 instances)?"
  std::string process;
  std::string path;  // POST target
  std::string body;
  std::string done;  // "restart web: initiated"
};

// `verb`: "start", "stop" or "restart"; `instances`: how many the process has now (for the
// question).
Action ProcessAction(const std::string& verb, const std::string& process, int instances);
Action ScaleAction(const std::string& process, int from, int to);
Action TriggerAction(const std::string& job);

// Sends the request; the status bar's line: `done`, or why it failed (the CLI's wording: the
// daemon is unreachable, unauthorized, the API's error and detail).
std::string Perform(const client::ApiEndpoint& endpoint, const Action& action);

}  // namespace phpeek::cli::tui
