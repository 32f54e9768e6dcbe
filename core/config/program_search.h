// Finding a command's program the way execvp would: a name with '/' is a path (relative to the
// working directory), anything else is looked up in PATH.
#pragma once

#include <string>

namespace phpeek::config {

// True when `program` resolves to an executable regular file.
bool FindProgram(const std::string& program, const std::string& path_env,
                 const std::string& working_dir);

// The program a shell command starts, when that is obvious: the first word of a simple command
// such as "php artisan queue:work". "" for anything a shell interprets first (builtins,
// assignments, quotes, expansions, redirections, control structures).
std::string ShellProgram(const std::string& script);

}  // namespace phpeek::config
