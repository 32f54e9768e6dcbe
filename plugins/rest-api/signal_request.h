// The body of POST /api/v1/processes/{name}/signal: {"signal": "USR1"} sends it to each
// instance's main process; {"signal": "SIGUSR1", "target": "group"} to each instance's whole
// process group ("leader", the default, names the main process). Names as phpeek/signals.hpp
// reads them: with or without "SIG", any case.
#pragma once

#include <string>
#include <string_view>

namespace phpeek::rest {

struct SignalRequest {
  int number = 0;
  const char* name = "";  // "SIGUSR1": the canonical name, static
  bool group = false;
};

// Returns false with a message that says what is wrong with the body.
bool ParseSignalRequest(std::string_view body, SignalRequest* out, std::string* err);

}  // namespace phpeek::rest
