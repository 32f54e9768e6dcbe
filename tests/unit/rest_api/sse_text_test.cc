// The pieces of the SSE streams without a socket: event framing, Last-Event-ID parsing, the stream
// slots, a batch that counts what a full client lost, and the events' JSON.
#include "plugins/common/control/sse_text.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "phpeek/json.hpp"
#include "plugins/common/control/event_json.h"
#include "plugins/common/control/sse_client.h"
#include "plugins/common/http/response_stream.h"

namespace phpeek::rest {
namespace {

TEST(SseText, AnEventIsAnIdAndDataLinesThenABlankLine) {
  std::string out;
  control::AppendSseEvent(&out, 42, R"({"message":"hi"})");
  EXPECT_EQ(out, "id: 42\ndata: {\"message\":\"hi\"}\n\n");
}

// No text can end an event early or forge a field: every line break starts another data line.
TEST(SseText, LineBreaksInDataBecomeDataLines) {
  std::string out;
  control::AppendSseEvent(&out, 1, "a\nid: 99\r\nevent: overflow\rb\n\nc");
  EXPECT_EQ(out,
            "id: 1\ndata: a\ndata: id: 99\ndata: event: overflow\ndata: b\ndata: \ndata: c\n\n");
}

TEST(SseText, NamedEventsAndHeartbeats) {
  EXPECT_EQ(control::SseNamedEvent("overflow", "17"), "event: overflow\ndata: 17\n\n");
  EXPECT_EQ(control::SseHeartbeat(), ": heartbeat\n\n");
}

TEST(SseText, EventIdsAreOneToTwentyDigitsThatFit) {
  uint64_t id = 0;
  EXPECT_TRUE(control::ParseEventId("0", &id));
  EXPECT_TRUE(control::ParseEventId("18446744073709551615", &id));
  EXPECT_EQ(id, UINT64_MAX);
  EXPECT_FALSE(control::ParseEventId("18446744073709551616", &id));   // one more than fits
  EXPECT_FALSE(control::ParseEventId("000000000000000000001", &id));  // 21 digits
  EXPECT_FALSE(control::ParseEventId("", &id));
  EXPECT_FALSE(control::ParseEventId("-1", &id));
  EXPECT_FALSE(control::ParseEventId("12a", &id));
  EXPECT_FALSE(control::ParseEventId(" 12", &id));
  EXPECT_FALSE(control::ParseEventId(std::string(1 << 20, '7'), &id));
}

TEST(StreamSlots, AtMostMaxAreHeldAndALeavingStreamFreesItsSlot) {
  control::StreamSlots slots(2);
  control::StreamSlots::Slot a = slots.TryTake();
  control::StreamSlots::Slot b = slots.TryTake();
  EXPECT_TRUE(a.held() && b.held());
  EXPECT_FALSE(slots.TryTake().held());
  EXPECT_EQ(slots.open(), 2);
  { control::StreamSlots::Slot moved = std::move(a); }
  EXPECT_EQ(slots.open(), 1);
  EXPECT_TRUE(slots.TryTake().held());
  EXPECT_EQ(slots.open(), 1);  // the temporary released its slot again
}

TEST(SseBatch, AFullClientLosesTheRestAndTheOverflowSaysHowMany) {
  auto stream = std::make_shared<http::ResponseStream>(100);
  control::StreamSlots slots(1);
  control::SseClient client(stream, slots.TryTake());
  {
    control::SseBatch batch(&client);
    EXPECT_TRUE(batch.Add(1, "0123456789"));  // 24 bytes framed
    EXPECT_TRUE(batch.Add(2, "0123456789"));
    EXPECT_TRUE(batch.Add(3, "0123456789"));
    EXPECT_TRUE(batch.Flush());
    EXPECT_EQ(batch.last_written(), 3u);
    EXPECT_TRUE(batch.Add(4, "0123456789"));
    EXPECT_FALSE(batch.Add(5, "0123456789"));  // a piece (25 bytes: a quarter), 72 + 48 > 100
    EXPECT_FALSE(batch.Flush());
    EXPECT_TRUE(batch.full());
    EXPECT_FALSE(batch.Add(6, "x"));
    EXPECT_EQ(batch.lost(), 3u);
    EXPECT_EQ(batch.last_written(), 3u);
    client.Overflow(batch.lost());
  }
  bool finished = false;
  const std::string bytes = stream->Take(&finished);
  EXPECT_TRUE(finished);
  EXPECT_EQ(bytes.substr(bytes.size() - 25), "event: overflow\ndata: 3\n\n");
  EXPECT_TRUE(client.closed());
}

TEST(EventJson, FlatObjectWithTheDetailButNotTheConfiguration) {
  phpeek_event ev{};
  ev.struct_size = sizeof(ev);
  ev.type = PHPEEK_EVENT_EXITED;
  ev.seq = 12;
  ev.unix_ms = 1796569445123;  // 2026-12-06T15:04:05.123Z
  ev.process = "web";
  ev.instance = "web-0";
  ev.pid = 4242;
  ev.exit_code = -1;
  ev.signal = 9;
  ev.detail_json = R"({"schema":1,"instance":"web-0","exit_code":-1,"signal":9})";
  EXPECT_EQ(control::EventJson(ev),
            R"({"seq":12,"time":"2026-12-06T15:04:05.123Z","type":"exited","process":"web",)"
            R"("instance":"web-0","pid":4242,"exit_code":-1,"signal":9})");
  ev.type = PHPEEK_EVENT_CONFIG_RELOADED;
  ev.pid = 0;
  ev.dropped = 3;
  ev.process = "";
  ev.instance = "";
  ev.detail_json = R"({"schema":1,"global":{"api_auth":"s3cret"},"reload":{"added":["x"]}})";
  const std::string json = control::EventJson(ev);
  EXPECT_EQ(json.find("s3cret"), std::string::npos);
  json::Document doc;
  ASSERT_TRUE(doc.Parse(json));
  EXPECT_EQ(doc.root()["type"].AsString().value_or(""), "config_reloaded");
  EXPECT_EQ(doc.root()["dropped"].AsInt64().value_or(0), 3);
  EXPECT_TRUE(doc.root()["reload"].is_object());
  EXPECT_TRUE(doc.root()["global"].missing());
}

TEST(EventJson, TimestampsAreUtcWithMilliseconds) {
  EXPECT_EQ(control::UtcTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(control::UtcTimestamp(1796569445007), "2026-12-06T15:04:05.007Z");
}

}  // namespace
}  // namespace phpeek::rest
