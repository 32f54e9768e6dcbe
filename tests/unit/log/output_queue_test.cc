// The queue between the logger and stdout, on a real pipe: a reader that stops reading never
// blocks the writer's callers; what does not fit is dropped, counted and reported once writing
// resumes, at the place of the gap.
#include "core/log/output_queue.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/test_support.h"

namespace phpeek::log {
namespace {

using namespace std::chrono_literals;

// A pipe with a one-page buffer; the test reads its end only when it chooses to.
class Pipe {
 public:
  Pipe() {
    EXPECT_EQ(pipe2(fds_, O_CLOEXEC), 0);
    fcntl(fds_[1], F_SETPIPE_SZ, 4096);
    fcntl(fds_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipe() {
    CloseReader();
    close(fds_[1]);
  }
  int write_fd() const { return fds_[1]; }
  // Everything that can be read right now.
  std::string ReadAvailable() {
    std::string out;
    char buf[65536];
    ssize_t n;
    while (fds_[0] >= 0 && (n = read(fds_[0], buf, sizeof buf)) > 0) out.append(buf, n);
    return out;
  }
  // Reads until `text` has arrived (or the deadline); returns all that was read.
  std::string ReadUntil(const std::string& text, std::chrono::milliseconds deadline = 5s) {
    std::string out;
    testing::WaitUntil(
        [&] {
          out += ReadAvailable();
          return out.find(text) != std::string::npos;
        },
        deadline);
    return out;
  }
  // Writes until the pipe is full, then reads none of it.
  void Fill() {
    fcntl(fds_[1], F_SETFL, O_NONBLOCK);
    const std::string chunk(4096, 'f');
    while (write(fds_[1], chunk.data(), chunk.size()) > 0) {
    }
    fcntl(fds_[1], F_SETFL, 0);
  }
  void CloseReader() {
    if (fds_[0] >= 0) close(fds_[0]);
    fds_[0] = -1;
  }

 private:
  int fds_[2] = {-1, -1};
};

// 100 bytes, numbered.
std::string Line(int i) {
  char num[16];
  std::snprintf(num, sizeof num, "%06d ", i);
  return "line " + std::string(num) + std::string(87, 'x') + "\n";
}

TEST(OutputQueueTest, WritesLinesInOrder) {
  Pipe pipe;
  OutputQueue q(pipe.write_fd(), 1 << 20);
  std::string want;
  for (int i = 0; i < 100; ++i) {
    q.Push(Line(i), 1);
    want += Line(i);
  }
  EXPECT_EQ(pipe.ReadUntil(Line(99)), want);
  EXPECT_TRUE(q.WaitWritten(1s, 5s));
  EXPECT_EQ(q.dropped_total(), 0u);
}

TEST(OutputQueueTest, AStalledReaderNeverBlocksPushAndTheGapIsReportedWhereItIs) {
  Pipe pipe;
  pipe.Fill();
  OutputQueue* queue = nullptr;
  std::atomic<int> reports{0};
  OutputQueue q(pipe.write_fd(), 16 * 1024, [&](uint64_t dropped) {
    ++reports;
    queue->Push("GAP " + std::to_string(dropped) + "\n", 1);
  });
  queue = &q;
  q.Push("first\n", 1);
  ASSERT_TRUE(testing::WaitUntil([&] { return q.queued() == 0; }));  // the writer is stuck
  // 2000 lines of 100 bytes against a full pipe and a 16 KiB queue: 163 fit, the rest are
  // dropped, and none of the pushes waits for the reader.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 2000; ++i) q.Push(Line(i), 1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_TRUE(q.dropping());
  EXPECT_EQ(q.dropped_total(), 2000u - 163u);
  q.Push("after\n", 1);  // dropped too: the gap lasts until the writer takes the queue
  EXPECT_EQ(q.dropped_total(), 2000u - 163u + 1u);
  EXPECT_FALSE(q.WaitWritten(100ms, 1s)) << "nothing can be written while the reader sleeps";
  EXPECT_EQ(reports, 0);

  // The reader comes back: the kept lines, then the notice with the count, then new lines.
  std::string out = pipe.ReadUntil("GAP ");
  q.Push("resumed\n", 1);
  out += pipe.ReadUntil("resumed\n");
  EXPECT_EQ(reports, 1);
  std::string want = "first\n";
  for (int i = 0; i < 163; ++i) want += Line(i);
  want += "GAP 1838\nresumed\n";
  EXPECT_EQ(out.substr(out.find("first\n")), want);
}

TEST(OutputQueueTest, ABatchThatDoesNotFitKeepsItsWholeLeadingLines) {
  Pipe pipe;
  pipe.Fill();
  OutputQueue q(pipe.write_fd(), 1000);
  q.Push("stuck\n", 1);
  ASSERT_TRUE(testing::WaitUntil([&] { return q.queued() == 0; }));  // the writer took it
  q.Push(std::string(749, 'p') + "\n", 1);
  // 250 bytes of room: of three 100-byte lines, the first two fit.
  const std::string a = "a" + std::string(98, '.') + "\n";
  const std::string b = "b" + std::string(98, '.') + "\n";
  const std::string c = "c" + std::string(98, '.') + "\n";
  q.Push(a + b + c, 3);
  EXPECT_EQ(q.dropped_total(), 1u);
  EXPECT_EQ(q.queued(), 1000u - 50u);
  const std::string out = pipe.ReadUntil(b);
  EXPECT_NE(out.find(a + b), std::string::npos);
  EXPECT_EQ(out.find(c), std::string::npos);
}

TEST(OutputQueueTest, WaitWrittenIsBoundedWhenTheReaderNeverComes) {
  Pipe pipe;
  OutputQueue q(pipe.write_fd(), 1 << 20);
  for (int i = 0; i < 200; ++i) q.Push(Line(i), 1);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(q.WaitWritten(300ms, 5s));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);
  pipe.ReadUntil(Line(199));
  EXPECT_TRUE(q.WaitWritten(1s, 5s));
}

TEST(OutputQueueTest, AClosedReaderLosesLinesButNeitherKillsNorBlocks) {
  Pipe pipe;
  pipe.CloseReader();  // a write now fails with EPIPE (SIGPIPE is blocked in the writer)
  OutputQueue q(pipe.write_fd(), 1 << 20);
  for (int i = 0; i < 10; ++i) q.Push(Line(i), 1);
  EXPECT_TRUE(q.WaitWritten(1s, 5s));
  EXPECT_EQ(q.dropped_total(), 10u);
}

// Slow: a backlog while the writer makes progress (a slow reader); not below the backlog, not
// once the writer has made none for the window (a stalled reader: lines are dropped instead).
TEST(OutputQueueTest, SlowMeansABacklogWhileTheWriterProgresses) {
  Pipe pipe;
  OutputQueue q(pipe.write_fd(), 1 << 20);
  EXPECT_FALSE(q.Slow(0, 10s));  // nothing waits
  q.Push(Line(0), 1);
  pipe.ReadUntil(Line(0));
  ASSERT_TRUE(q.WaitWritten(1s, 5s));
  // The reader stops: 200 lines wait behind a full pipe; the writer wrote moments ago.
  for (int i = 1; i <= 200; ++i) q.Push(Line(i), 1);
  ASSERT_TRUE(testing::WaitUntil([&] { return q.queued() < 20000; }));  // it took what fit
  EXPECT_TRUE(q.Slow(1000, 10s));
  EXPECT_FALSE(q.Slow(1 << 20, 10s)) << "not above the backlog";
  // No progress for the window: stalled, not slow.
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(q.Slow(1000, 50ms));
  pipe.ReadUntil(Line(200));
  ASSERT_TRUE(q.WaitWritten(1s, 5s));
  EXPECT_FALSE(q.Slow(0, 10s));
}

// The wake for a paused reader: written once the backlog is down to the mark, not before; at once
// when it already is; never after CancelWake.
TEST(OutputQueueTest, WakeWhenBelowWritesTheEventfdOnceTheBacklogIsDown) {
  Pipe pipe;
  OutputQueue q(pipe.write_fd(), 1 << 20);
  const int early = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  const int cancelled = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  const int late = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  auto woken = [](int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
  };
  q.WakeWhenBelow(early, 1000);  // nothing waits: at once
  EXPECT_TRUE(woken(early));
  pipe.Fill();
  for (int i = 0; i < 200; ++i) q.Push(Line(i), 1);  // 20 000 bytes behind a full pipe
  q.WakeWhenBelow(cancelled, 1000);
  q.WakeWhenBelow(late, 1000);
  q.CancelWake(cancelled);
  EXPECT_FALSE(woken(late));  // the writer is stuck on the full pipe: no progress, no wake
  pipe.ReadUntil(Line(199));
  EXPECT_TRUE(testing::WaitUntil([&] { return woken(late); }));
  EXPECT_FALSE(woken(cancelled));
  for (const int fd : {early, cancelled, late}) close(fd);
}

}  // namespace
}  // namespace phpeek::log
