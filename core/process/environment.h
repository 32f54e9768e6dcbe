// A child's environment as "KEY=value" entries: the daemon's own, and entries laid over a base.
// exec's getenv finds the first entry of a name, so an override must replace, never append.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace phpeek::process {

using EnvPairs = std::vector<std::pair<std::string, std::string>>;

// The daemon's environment (environ), in its order.
std::vector<std::string> DaemonEnvironment();

// `base` with each of `overlay` set: an entry of the same name is replaced in place, a new name is
// appended (in overlay order).
std::vector<std::string> OverlayEnvironment(std::vector<std::string> base, const EnvPairs& overlay);

}  // namespace phpeek::process
