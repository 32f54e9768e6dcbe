// The host's side of phpeek_sink, the ABI's way to hand text across the boundary without handing
// over memory: writing to a sink a plugin gave, and a sink that collects into a std::string.
#pragma once

#include <string>
#include <string_view>

#include "phpeek/plugin_abi.h"

namespace phpeek::plugin_host {

// Calls sink->write when there is a sink.
void Emit(phpeek_sink* sink, std::string_view text);

// A sink appending what it is given to *out (which must outlive it).
phpeek_sink StringSink(std::string* out);

}  // namespace phpeek::plugin_host
