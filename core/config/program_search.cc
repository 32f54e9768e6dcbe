#include "core/config/program_search.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

namespace phpeek::config {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool IsShellBuiltin(const std::string& word) {
  static const char* const kBuiltins[] = {
      ".",    "source", "exec",  "cd",   "echo", "printf", "test", "[",    "[[",     "if",
      "for",  "while",  "until", "case", "set",  "export", "trap", "eval", "ulimit", "umask",
      "wait", "true",   "false", "read", "exit", "kill",   ":",    "{",    "(",      "!"};
  return std::any_of(std::begin(kBuiltins), std::end(kBuiltins),
                     [&](const char* b) { return word == b; });
}

// Appends instead of `a + "/" + b`: g++ 12 at -O2 reports a false -Wrestrict on that form.
std::string FilePath(const std::string& dir, const std::string& name) {
  std::string path = dir;
  path += '/';
  path += name;
  return path;
}

}  // namespace

bool FindProgram(const std::string& program, const std::string& path_env,
                 const std::string& working_dir) {
  if (program.find('/') != std::string::npos) {
    if (program[0] == '/' || working_dir.empty()) return IsExecutableFile(program);
    return IsExecutableFile(FilePath(working_dir, program));
  }
  size_t start = 0;
  while (start <= path_env.size()) {
    size_t colon = path_env.find(':', start);
    if (colon == std::string::npos) colon = path_env.size();
    // An empty PATH entry means the current directory.
    const std::string dir =
        colon == start ? std::string(".") : path_env.substr(start, colon - start);
    if (IsExecutableFile(FilePath(dir, program))) return true;
    start = colon + 1;
  }
  return false;
}

std::string ShellProgram(const std::string& script) {
  const size_t begin = script.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = script.find_first_of(" \t\n", begin);
  const std::string word = script.substr(begin, end == std::string::npos ? end : end - begin);
  const bool plain = std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
           c == '/' || c == '+';
  });
  if (!plain || IsShellBuiltin(word)) return "";
  return word;
}

}  // namespace phpeek::config
