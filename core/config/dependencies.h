// Cross-process checks of `depends_on`: unknown names, disabled dependencies, and cycles, each
// cycle reported once with its whole path (`a -> b -> c -> a`).
#pragma once

#include <vector>

#include "core/config/config.h"
#include "core/config/reader.h"

namespace phpeek::config {

void CheckDependencies(Reader& r, const std::vector<ProcessSpec>& processes);

}  // namespace phpeek::config
