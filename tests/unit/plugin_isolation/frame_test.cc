// The frames between the daemon and a plugin-host helper: round trips, bytes arriving one at a
// time, and corrupt streams that must give an error (never a crash or a huge allocation).
#include "core/plugin_isolation/frame.h"

#include <gtest/gtest.h>

#include "core/plugin_isolation/event_frame.h"
#include "core/plugin_isolation/protocol.h"

namespace phpeek::plugin_isolation {
namespace {

std::string LE32(uint32_t v) {
  std::string s;
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  return s;
}

TEST(Frame, RoundTripKeepsKindIdAndFields) {
  Frame f(kProcessControl, 0x1122334455667788ull);
  f.Int(-3).Str(std::string("web\0x", 5)).Int(INT64_MAX).Str("");
  FrameDecoder d;
  const std::string bytes = EncodeFrame(f);
  d.Feed(bytes.data(), bytes.size());
  Frame out;
  std::string err;
  ASSERT_EQ(d.Next(&out, &err), FrameDecoder::Result::kFrame) << err;
  EXPECT_EQ(out.kind, kProcessControl);
  EXPECT_EQ(out.id, 0x1122334455667788ull);
  FieldReader r(out);
  EXPECT_EQ(r.Int(), -3);
  EXPECT_EQ(r.Str(), std::string("web\0x", 5));
  EXPECT_EQ(r.Int(), INT64_MAX);
  EXPECT_EQ(r.Str(), "");
  EXPECT_TRUE(r.ok());
  r.Str();  // past the end
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(d.Next(&out, &err), FrameDecoder::Result::kNeedMore);
}

TEST(Frame, BytesOneAtATimeGiveEveryFrameInOrder) {
  std::string stream;
  for (int i = 0; i < 50; ++i) stream += EncodeFrame(std::move(Frame(kLog, 0).Int(i).Str("x")));
  FrameDecoder d;
  Frame out;
  std::string err;
  int seen = 0;
  for (char c : stream) {
    d.Feed(&c, 1);
    while (d.Next(&out, &err) == FrameDecoder::Result::kFrame) {
      FieldReader r(out);
      EXPECT_EQ(r.Int(), seen);
      ++seen;
    }
  }
  EXPECT_EQ(seen, 50);
}

TEST(Frame, AnIntegerFieldOfTheWrongSizeIsNotOk) {
  Frame f(kReply, 1);
  f.Str("abc");
  FieldReader r(f);
  EXPECT_EQ(r.Int(), 0);
  EXPECT_FALSE(r.ok());
}

TEST(Frame, LengthBeyondTheLimitIsAnErrorNotAnAllocation) {
  FrameDecoder d;
  const std::string huge = LE32(0xFFFFFFF0u);
  d.Feed(huge.data(), huge.size());
  Frame out;
  std::string err;
  EXPECT_EQ(d.Next(&out, &err), FrameDecoder::Result::kError);
  EXPECT_NE(err.find("frame of 4294967280 bytes"), std::string::npos) << err;
}

TEST(Frame, TooShortForItsHeaderIsAnError) {
  FrameDecoder d;
  const std::string bytes = LE32(3) + "abc";
  d.Feed(bytes.data(), bytes.size());
  Frame out;
  std::string err;
  EXPECT_EQ(d.Next(&out, &err), FrameDecoder::Result::kError);
}

TEST(Frame, AFieldOverrunningItsFrameIsAnError) {
  // body: kind, id, then a field that claims 100 bytes but has 2.
  const std::string body = LE32(kLog) + std::string(8, '\0') + LE32(100) + "ab";
  const std::string bytes = LE32(static_cast<uint32_t>(body.size())) + body;
  FrameDecoder d;
  d.Feed(bytes.data(), bytes.size());
  Frame out;
  std::string err;
  EXPECT_EQ(d.Next(&out, &err), FrameDecoder::Result::kError);
  EXPECT_NE(err.find("overruns"), std::string::npos) << err;
}

TEST(EventFrame, RoundTripKeepsEveryField) {
  plugin_host::AbiEvent e;
  e.type = PHPEEK_EVENT_EXITED;
  e.since_minor = 0;
  e.seq = 42;
  e.unix_ms = 1700000000123;
  e.process = "web";
  e.instance = "web-0";
  e.pid = 1234;
  e.exit_code = -1;
  e.signal = 9;
  e.old_state = 2;
  e.new_state = 3;
  e.detail_json = R"({"schema":1})";
  const auto back = EventFromFrame(EventFrame(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->type, e.type);
  EXPECT_EQ(back->seq, e.seq);
  EXPECT_EQ(back->unix_ms, e.unix_ms);
  EXPECT_EQ(back->process, e.process);
  EXPECT_EQ(back->instance, e.instance);
  EXPECT_EQ(back->pid, e.pid);
  EXPECT_EQ(back->exit_code, e.exit_code);
  EXPECT_EQ(back->signal, e.signal);
  EXPECT_EQ(back->old_state, e.old_state);
  EXPECT_EQ(back->new_state, e.new_state);
  EXPECT_EQ(back->detail_json, e.detail_json);
  EXPECT_FALSE(EventFromFrame(Frame(kEvent, 0)));  // no fields
}

}  // namespace
}  // namespace phpeek::plugin_isolation
