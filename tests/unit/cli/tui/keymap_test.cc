#include "core/cli/tui/keymap.h"

#include <gtest/gtest.h>

namespace phpeek::cli::tui {
namespace {

TEST(TuiKeymap, KeysDoWhatTheFooterSays) {
  EXPECT_EQ(CommandFor('r', View::kProcesses), Command::kRestart);
  EXPECT_EQ(CommandFor('s', View::kProcesses), Command::kStart);
  EXPECT_EQ(CommandFor('x', View::kProcesses), Command::kStop);
  EXPECT_EQ(CommandFor('+', View::kProcesses), Command::kScaleUp);
  EXPECT_EQ(CommandFor('-', View::kProcesses), Command::kScaleDown);
  EXPECT_EQ(CommandFor('l', View::kProcesses), Command::kLogs);
  EXPECT_EQ(CommandFor('\r', View::kProcesses), Command::kLogs);
  EXPECT_EQ(CommandFor('J', View::kProcesses), Command::kJobs);
  EXPECT_EQ(CommandFor('/', View::kProcesses), Command::kFilter);
  EXPECT_EQ(CommandFor('?', View::kLogs), Command::kHelp);
  EXPECT_EQ(CommandFor('t', View::kJobs), Command::kTrigger);
  EXPECT_EQ(CommandFor('q', View::kProcesses), Command::kQuit);
}

TEST(TuiKeymap, ChangesOnlyFromTheirViewAndQLeavesASubview) {
  EXPECT_EQ(CommandFor('r', View::kLogs), Command::kNone);
  EXPECT_EQ(CommandFor('x', View::kJobs), Command::kNone);
  EXPECT_EQ(CommandFor('q', View::kLogs), Command::kBack);
  EXPECT_EQ(CommandFor(27, View::kJobs), Command::kBack);
}

TEST(TuiKeymap, HelpListsWhatIsBoundInTheView) {
  auto has = [](View view, const std::string& keys) {
    for (const KeyHelp& k : HelpFor(view)) {
      if (k.keys == keys) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(View::kProcesses, "r"));
  EXPECT_TRUE(has(View::kProcesses, "q"));
  EXPECT_FALSE(has(View::kProcesses, "Esc q p"));
  EXPECT_FALSE(has(View::kLogs, "r"));
  EXPECT_TRUE(has(View::kLogs, "Esc q p"));
  EXPECT_TRUE(has(View::kJobs, "t"));
}

}  // namespace
}  // namespace phpeek::cli::tui
