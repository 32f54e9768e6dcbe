#include "core/process/output_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace phpeek::process {
namespace {

struct Collect {
  std::vector<std::string> lines;
  LineSink sink() {
    return [this](std::string_view l) { lines.emplace_back(l); };
  }
};

TEST(LineSplitterTest, SplitsLinesAcrossFeeds) {
  Collect c;
  LineSplitter s;
  s.Feed("hel", c.sink());
  s.Feed("lo\nwor", c.sink());
  s.Feed("ld\r\n\nlast", c.sink());
  EXPECT_EQ(c.lines, (std::vector<std::string>{"hello", "world", ""}));
  s.Flush(c.sink());
  EXPECT_EQ(c.lines.back(), "last");
  EXPECT_EQ(s.lines(), 4u);
}

TEST(LineSplitterTest, LongLineIsCutIntoBoundedPieces) {
  Collect c;
  LineSplitter s(8);
  s.Feed(std::string(20, 'x') + "\nok\n", c.sink());
  EXPECT_EQ(c.lines, (std::vector<std::string>{"xxxxxxxx", "xxxxxxxx", "xxxx", "ok"}));
  EXPECT_EQ(s.split_lines(), 2u);
}

TEST(LineSplitterTest, LineOfExactlyTheBoundIsNotSplit) {
  Collect c;
  LineSplitter s(4);
  s.Feed("abcd\n", c.sink());
  EXPECT_EQ(c.lines, (std::vector<std::string>{"abcd"}));
  EXPECT_EQ(s.split_lines(), 0u);
}

TEST(OutputReaderTest, ReadsWithinBudgetAndSeesEof) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  Collect c;
  OutputReader r(fds[0], c.sink());
  const std::string payload = "a\nb\n";
  ASSERT_EQ(write(fds[1], payload.data(), payload.size()), 4);
  EXPECT_EQ(r.OnReadable(), OutputReader::Status::kOpen);  // nothing more yet: EAGAIN
  EXPECT_EQ(c.lines, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(write(fds[1], "tail", 4), 4);
  close(fds[1]);
  EXPECT_EQ(r.OnReadable(), OutputReader::Status::kClosed);
  EXPECT_EQ(c.lines.back(), "tail");
  EXPECT_EQ(r.fd(), -1);
  EXPECT_EQ(r.bytes(), 8u);
}

TEST(OutputReaderTest, BudgetBoundsOneWakeUp) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  Collect c;
  OutputReader r(fds[0], c.sink(), 1 << 20);
  const std::string chunk(32 * 1024, 'z');
  ASSERT_EQ(write(fds[1], chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
  EXPECT_EQ(r.OnReadable(16 * 1024), OutputReader::Status::kOpen);
  EXPECT_EQ(r.bytes(), 16u * 1024);
  r.Drain();
  EXPECT_EQ(r.bytes(), 32u * 1024);
  EXPECT_EQ(c.lines.size(), 1u);  // flushed as one partial line on close
  close(fds[1]);
}

}  // namespace
}  // namespace phpeek::process
