// `phpeek-pm tui`: the terminal UI on the running daemon's Management API (tui_app.h). Refuses
// to start without a terminal, and when the API does not answer (the same messages as status).
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>

#include "core/cli/client/api_client.h"
#include "core/cli/client/api_endpoint.h"
#include "core/cli/commands.h"
#include "core/cli/tui/tui_app.h"
#include "core/config/loader.h"

namespace phpeek::cli {

int RunTui(const CommandLine& cl) {
  if (!::isatty(STDIN_FILENO) || !::isatty(STDOUT_FILENO)) {
    std::fprintf(stderr,
                 "phpeek-pm: tui needs a terminal on its standard input and output ('phpeek-pm "
                 "status' prints the table for scripts)\n");
    return 1;
  }
  client::ApiEndpoint endpoint;
  std::string err;
  if (!client::ResolveEndpoint(cl, config::CurrentEnvironment(), &endpoint, &err)) {
    std::fprintf(stderr, "phpeek-pm: %s\n", err.c_str());
    return 1;
  }
  const client::ApiReply reply = client::CallApi(endpoint, "GET", "/api/v1/processes");
  if (!client::CheckReply(reply, 200, endpoint, "", &err)) {
    std::fprintf(stderr, "phpeek-pm: %s\n", err.c_str());
    return 1;
  }
  try {
    return tui::RunTuiLoop(endpoint, reply.body);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "phpeek-pm: tui: %s\n", e.what());
    return 1;
  }
}

}  // namespace phpeek::cli
