// The client commands that read the daemon's process logs and lifecycle events (logs, events).
#pragma once

#include "core/cli/client/api_endpoint.h"
#include "core/cli/command_line.h"

namespace phpeek::cli::client {

int RunLogs(const CommandLine& cl, const ApiEndpoint& endpoint);
int RunEvents(const CommandLine& cl, const ApiEndpoint& endpoint);

}  // namespace phpeek::cli::client
