// Small pieces the POSIX spawner is made of, kept apart so they can be tested on their own:
// argv/env as C arrays, output pipes and PATH lookup.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/config/run_as.h"

namespace phpeek::process {

// A NULL-terminated char* array viewing a vector of strings, then those of `more` (all of which
// must outlive it).
class CStringArray {
 public:
  explicit CStringArray(const std::vector<std::string>& strings,
                        const std::vector<std::string>& more = {});
  char* const* get() const { return ptrs_.data(); }

 private:
  std::vector<char*> ptrs_;
};

// A pipe whose ends are close-on-exec; the read end is non-blocking (the loop never blocks on a
// child). The destructor closes what has not been taken.
struct Pipe {
  int read_fd = -1;
  int write_fd = -1;

  Pipe() = default;
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool Open();
  int TakeReadEnd();
};

// The value of the first PATH entry in `env` (the one getenv finds), else a default.
std::string SearchPath(const std::vector<std::string>& env);

// argv0 containing '/' is used as is. Otherwise the directories of PATH (from `env`, else a
// default) are searched for an executable file; a file found but not executable is returned so
// that exec reports EACCES. False when nothing is found.
bool ResolveProgram(const std::string& argv0, const std::vector<std::string>& env,
                    std::string* path);

// What the child switches to: uid, gid and supplementary groups, resolved from `user:`/`group:`
// when the configuration was loaded (config/run_as.h), never from text at spawn time.
using Credentials = config::RunAs;

}  // namespace phpeek::process
