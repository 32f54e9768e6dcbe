// A child's environment as "KEY=value" entries: the daemon's own, and entries laid over a base.
// exec's getenv finds the first entry of a name, so an override must replace, never append.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace phpeek::process {

using EnvPairs = std::vector<std::pair<std::string, std::string>>;

// The daemon's environment (environ), in its order, with the daemon variables laid over it: the
// base of every child's and hook's environment, under their own `env`.
std::vector<std::string> DaemonEnvironment();

// Variables the daemon gives every child on top of its own environment (autotune's PHP_FPM_*).
// Set once at start-up, before any thread that spawns exists; never changed after.
void SetDaemonVariables(EnvPairs variables);

// `base` with each of `overlay` set: an entry of the same name is replaced in place, a new name is
// appended (in overlay order).
std::vector<std::string> OverlayEnvironment(std::vector<std::string> base, const EnvPairs& overlay);

}  // namespace phpeek::process
