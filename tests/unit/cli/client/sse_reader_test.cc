// The client's Server-Sent Events reader: events split anywhere across reads, every line ending,
// comments, ids that persist, events without data, and the line bound.
#include "core/cli/client/sse_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phpeek::cli::client {
namespace {

std::vector<SseEvent> FeedBytewise(SseReader* reader, const std::string& text) {
  std::vector<SseEvent> out;
  for (const char c : text) EXPECT_TRUE(reader->Feed(std::string_view(&c, 1), &out));
  return out;
}

TEST(SseReader, EventsArriveWholeHoweverTheBytesAreSplit) {
  const std::string text =
      ": heartbeat\n\nid: 1\ndata: {\"a\":1}\n\nid: 2\ndata: x\ndata: y\n\n"
      "event: overflow\ndata: 17\n\n";
  SseReader whole;
  std::vector<SseEvent> all;
  ASSERT_TRUE(whole.Feed(text, &all));
  SseReader split;
  const std::vector<SseEvent> bytewise = FeedBytewise(&split, text);
  ASSERT_EQ(all.size(), 3u);
  ASSERT_EQ(bytewise.size(), 3u);
  EXPECT_EQ(all[0].id, "1");
  EXPECT_EQ(all[0].data, "{\"a\":1}");
  EXPECT_EQ(all[1].data, "x\ny");
  EXPECT_EQ(all[2].event, "overflow");
  EXPECT_EQ(all[2].id, "2");  // the last id stays until another comes
  EXPECT_EQ(all[2].data, "17");
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, bytewise[i].id);
    EXPECT_EQ(all[i].data, bytewise[i].data);
    EXPECT_EQ(all[i].event, bytewise[i].event);
  }
}

TEST(SseReader, CrLfAndCrEndLinesToo) {
  SseReader reader;
  std::vector<SseEvent> out;
  ASSERT_TRUE(reader.Feed("id: 5\r\ndata: a\r\n\r", &out));
  ASSERT_TRUE(reader.Feed("\nid: 6\rdata: b\r\r", &out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "5");
  EXPECT_EQ(out[0].data, "a");
  EXPECT_EQ(out[1].id, "6");
  EXPECT_EQ(out[1].data, "b");
}

TEST(SseReader, AnEventWithoutDataIsNotDispatchedButItsIdCounts) {
  SseReader reader;
  std::vector<SseEvent> out;
  ASSERT_TRUE(reader.Feed("id: 9\n\nretry: 10\nunknown: x\ndata:no space\n\n", &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, "9");
  EXPECT_EQ(out[0].data, "no space");
  EXPECT_EQ(reader.last_event_id(), "9");
}

TEST(SseReader, ALineWithoutEndIsBounded) {
  SseReader reader(64);
  std::vector<SseEvent> out;
  EXPECT_FALSE(reader.Feed("data: " + std::string(100, 'x'), &out));
}

}  // namespace
}  // namespace phpeek::cli::client
