// `promtool check metrics` (Debian package prometheus) on a metrics text, for the unit and the
// integration tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_support.h"

namespace phpeek::metrics::testing {

inline bool HavePromtool() {
  return phpeek::testing::RunCommand({"sh", "-c", "command -v promtool"}).exit_code == 0;
}

// A parse error fails (promtool exits 1). Lint findings (exit 3) are allowed only for the one name
// the original's dashboards force on us: phpeek_pm_manager_process_count is a gauge whose name
// ends in _count.
inline void ExpectPromtoolAccepts(const std::string& text) {
  phpeek::testing::TempDir dir;
  const std::string path = dir.Write("metrics.txt", text);
  const auto r =
      phpeek::testing::RunCommand({"sh", "-c", "promtool check metrics < '" + path + "'"});
  const std::string findings = r.out + r.err;
  const std::string allowed =
      "phpeek_pm_manager_process_count non-histogram and non-summary metrics should not have "
      "\"_count\" suffix\n";
  if (r.exit_code == 3) {
    EXPECT_EQ(findings, allowed) << text;
  } else {
    EXPECT_EQ(r.exit_code, 0) << findings << text;
  }
}

}  // namespace phpeek::metrics::testing
