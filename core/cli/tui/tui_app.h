// The TUI's event loop: one poll(2) on the terminal and a self-pipe (woken by the stream threads,
// SIGWINCH, and SIGINT/SIGTERM/SIGHUP, which end it cleanly), a redraw only after something
// changed, and no timer at all while connected (0 CPU while nothing happens; the log view's stream
// thread alone wakes once a second while that view is open, sse_watch.h). The process list is
// fetched at start and again after each event of the daemon's event stream (state changes, spawns,
// exits, job runs: everything the table shows), a burst of events costing one fetch. When the
// daemon goes away the table stays, a message says so, and the loop tries again every 2 s until it
// answers.
#pragma once

#include <string>

#include "core/cli/client/api_endpoint.h"

namespace phpeek::cli::tui {

// Runs until the user quits (0) or the terminal goes away (1). The caller has checked that the
// API answers.
int RunTuiLoop(const client::ApiEndpoint& endpoint, const std::string& first_process_list);

}  // namespace phpeek::cli::tui
