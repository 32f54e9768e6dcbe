// FUZZ_CHECK: a property every input must keep. A violation prints what broke and aborts, which
// libFuzzer reports as a crash and saves the input as a reproducer.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace phpeek::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& detail) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line, condition, detail.c_str());
  std::abort();
}

}  // namespace phpeek::fuzz

#define FUZZ_CHECK(condition, detail)                                                 \
  do {                                                                                \
    if (!(condition)) ::phpeek::fuzz::Fail(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)
