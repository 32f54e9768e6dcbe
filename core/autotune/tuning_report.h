// An autotune report as fpm-tune prints it: text for people, one JSON document for programs
// (inputs, limits and where they were read, each step of the computation, the result and the
// variables exported, warnings, or the error).
#pragma once

#include <string>

#include "core/autotune/fpm_autotune.h"

namespace phpeek::autotune {

// Without the error, which the caller prints on standard error.
std::string ReportText(const AutotuneReport& report);
std::string ReportJson(const AutotuneReport& report);

}  // namespace phpeek::autotune
