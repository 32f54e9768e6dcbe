// The path of a fixture plugin of tests/abi-compat/fixtures (built into PHPEEK_FIXTURE_DIR, which
// each test target that loads them defines): FixturePlugin("log-probe").
#pragma once

#include <string>

namespace phpeek::testing {

inline std::string FixturePlugin(const std::string& name) {
  return std::string(PHPEEK_FIXTURE_DIR) + "/" + name + ".so";
}

}  // namespace phpeek::testing
