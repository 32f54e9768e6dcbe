// A child's bytes cannot forge the daemon's text log: control bytes become visible escapes and a
// message that looks like fields is quoted.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_support.h"

namespace phpeek::testing {
namespace {

TEST(LogForging, ControlBytesAndFakeFieldsFromAChildAreEscaped) {
  TempDir dir;
  // CR to overwrite the line on a terminal, ANSI colour and clear-line, NUL, a C1 CSI, a fake
  // process=nginx pair; then a plain line for comparison.
  dir.Write("forge.sh",
            "printf 'ok\\r\\033[2K\\033[31mFAKE\\000 process=nginx level=error\\n'\n"
            "printf 'csi \\302\\23331m\\n'\n"
            "printf ' padded \\n'\n"
            "echo plain line done\n"
            "exec sleep 600\n");
  const std::string config =
      dir.Write("phpeek-pm.yaml",
                "version: \"1.0\"\nglobal:\n  api_enabled: false\n  log_format: text\n"
                "processes:\n  forger:\n    command: [\"sh\", \"" +
                    dir.Join("forge.sh") + "\"]\n");
  Daemon d({"serve", "-c", config});
  ASSERT_TRUE(d.WaitForLog("plain line done")) << d.Log();
  const std::string log = d.Log();
  EXPECT_NE(log.find(" info  \"ok\\r\\u001b[2K\\u001b[31mFAKE\\u0000 process=nginx level=error\" "
                     "process=forger instance=forger-0 stream=stdout\n"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find(" info  \"csi \\u009b31m\" process=forger"), std::string::npos) << log;
  EXPECT_NE(log.find(" info  \" padded \" process=forger"), std::string::npos) << log;
  EXPECT_NE(log.find(" info  plain line done process=forger instance=forger-0 stream=stdout\n"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find('\r'), std::string::npos);
  EXPECT_EQ(log.find('\x1b'), std::string::npos);
  EXPECT_EQ(log.find('\0'), std::string::npos);
  EXPECT_EQ(log.find("\xC2\x9B"), std::string::npos);
}

}  // namespace
}  // namespace phpeek::testing
