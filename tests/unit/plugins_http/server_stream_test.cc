// Streaming answers (response_stream.h): the head without Content-Length, then what writers append
// from any thread, in order, as it comes; the stream ends with the client, with Finish (after its
// last bytes), with a client that stops reading (the write deadline), and at Stop (promptly, its
// queued bytes sent once). A stream holds no worker and is never evicted for a new connection.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "plugins/common/http/exchange.h"
#include "plugins/common/http/response_stream.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_support.h"
#include "tests/unit/plugins_http/test_server.h"

namespace phpeek::http::testing {
namespace {

using phpeek::testing::WaitUntil;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A handler that answers /stream with a new stream (kept for the test) and anything else 200.
class Streams {
 public:
  explicit Streams(size_t max_queued = 1 << 20, std::string first = "")
      : max_(max_queued), first_(std::move(first)) {}
  Handler handler() {
    return [this](const HttpRequest& r) {
      HttpResponse response;
      if (r.target != "/stream") return TextResponse(200, "plain\n");
      response.content_type = "text/event-stream";
      response.stream = std::make_shared<ResponseStream>(max_);
      if (!first_.empty()) response.stream->Write(first_);
      std::lock_guard<std::mutex> lock(mu_);
      streams_.push_back(response.stream);
      return response;
    };
  }
  // The n-th stream opened (waits up to 5 s for it).
  std::shared_ptr<ResponseStream> At(size_t n) {
    std::shared_ptr<ResponseStream> found;
    WaitUntil([&] {
      std::lock_guard<std::mutex> lock(mu_);
      if (streams_.size() > n) found = streams_[n];
      return found != nullptr;
    });
    return found;
  }

 private:
  size_t max_;
  std::string first_;
  std::mutex mu_;
  std::vector<std::shared_ptr<ResponseStream>> streams_;
};

TEST(ResponseStream, RefusesWritesPastItsBoundWholeAndEndsAtFinish) {
  ResponseStream s(10);
  EXPECT_EQ(s.Write("12345"), ResponseStream::WriteResult::kQueued);
  EXPECT_EQ(s.Write("123456"), ResponseStream::WriteResult::kFull);
  EXPECT_EQ(s.queued_bytes(), 5u);
  s.Finish(" and the last words, past the bound");
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(s.Write("x"), ResponseStream::WriteResult::kClosed);
  bool finished = false;
  EXPECT_EQ(s.Take(&finished), "12345 and the last words, past the bound");
  EXPECT_TRUE(finished);
}

// A single write larger than the bound is taken by an empty queue (else it could never be sent).
TEST(ResponseStream, AnEmptyQueueTakesAWriteLargerThanTheBound) {
  ResponseStream s(10);
  EXPECT_EQ(s.Write(std::string(50, 'x')), ResponseStream::WriteResult::kQueued);
  EXPECT_EQ(s.Write("y"), ResponseStream::WriteResult::kFull);
  bool finished = false;
  EXPECT_EQ(s.Take(&finished).size(), 50u);
  EXPECT_EQ(s.Write("y"), ResponseStream::WriteResult::kQueued);
}

TEST(ResponseStream, WakesOncePerBatchAndNeverAfterDetach) {
  ResponseStream s(1000);
  int wakes = 0;
  s.Attach([&] { ++wakes; });
  s.Write("a");
  s.Write("b");
  EXPECT_EQ(wakes, 1);  // the second write joins the batch already announced
  bool finished = false;
  EXPECT_EQ(s.Take(&finished), "ab");
  s.Write("c");
  EXPECT_EQ(wakes, 2);
  s.Detach();
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(s.Write("d"), ResponseStream::WriteResult::kClosed);
  EXPECT_EQ(wakes, 2);
}

TEST(ServerStream, HeadWithoutLengthThenEveryWriteInOrderFromManyThreads) {
  Streams streams(1 << 20, "first\n");
  TestServer s({}, streams.handler());
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send(GetRequest("/stream")));
  const auto head = c.Read(5s, /*head_only=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Type"), "text/event-stream");
  EXPECT_EQ(head->Header("Content-Length"), "");
  EXPECT_EQ(head->Header("Connection"), "close");
  auto stream = streams.At(0);
  ASSERT_TRUE(stream);
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([stream, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string line = std::to_string(t) + ":" + std::to_string(i) + "\n";
        while (stream->Write(line) == ResponseStream::WriteResult::kFull) {
          std::this_thread::sleep_for(1ms);
        }
      }
    });
  }
  for (auto& w : writers) w.join();
  stream->Finish("end\n");
  ASSERT_TRUE(c.WaitClosed(5s));
  const std::string body = c.unread();
  ASSERT_EQ(body.rfind("first\n", 0), 0u);
  ASSERT_GE(body.size(), 4u);
  EXPECT_EQ(body.substr(body.size() - 4), "end\n");
  // Per writer, the lines arrive in the order written, none lost.
  for (int t = 0; t < 4; ++t) {
    size_t at = 0;
    for (int i = 0; i < 500; ++i) {
      const std::string line = "\n" + std::to_string(t) + ":" + std::to_string(i) + "\n";
      const size_t found = body.find(line, at);
      ASSERT_NE(found, std::string::npos) << "writer " << t << " line " << i;
      at = found + 1;
    }
  }
}

TEST(ServerStream, TheClientsEndClosesTheStreamForItsWriter) {
  Streams streams;
  TestServer s({}, streams.handler());
  auto c = std::make_unique<RawConnection>(s.port());
  ASSERT_TRUE(c->Send(GetRequest("/stream")));
  ASSERT_TRUE(c->Read(5s, true).has_value());
  auto stream = streams.At(0);
  ASSERT_TRUE(stream);
  EXPECT_FALSE(stream->closed());
  c.reset();
  EXPECT_TRUE(WaitUntil([&] { return stream->closed(); }));
  EXPECT_EQ(stream->Write("x"), ResponseStream::WriteResult::kClosed);
}

TEST(ServerStream, HeadRequestGetsTheHeadAloneAndTheStreamIsClosed) {
  Streams streams;
  TestServer s({}, streams.handler());
  RawConnection c(s.port());
  ASSERT_TRUE(c.Send("HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto head = c.Read(5s, true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Type"), "text/event-stream");
  EXPECT_TRUE(c.WaitClosed(5s));
  EXPECT_EQ(c.unread(), "");
  auto stream = streams.At(0);
  ASSERT_TRUE(stream);
  EXPECT_TRUE(stream->closed());
}

// A client that reads nothing: once the sockets are full the writer meets kFull (the stream's
// bound holds), and the connection closes at the write deadline: the writer then sees kClosed.
TEST(ServerStream, AClientThatDoesNotReadFillsTheBoundThenMeetsTheWriteDeadline) {
  ServerOptions options;
  options.timeouts.write = 300ms;
  Streams streams(64 * 1024);
  TestServer s(options, streams.handler());
  RawConnection c;
  const int small = 4096;
  ASSERT_EQ(::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
  ASSERT_TRUE(c.Connect(s.port()));
  ASSERT_TRUE(c.Send(GetRequest("/stream")));
  auto stream = streams.At(0);
  ASSERT_TRUE(stream);
  const std::string chunk(16 * 1024, 'x');
  bool full_seen = false;
  size_t most_queued = 0;
  ResponseStream::WriteResult last = ResponseStream::WriteResult::kQueued;
  const auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && last != ResponseStream::WriteResult::kClosed) {
    last = stream->Write(chunk);
    most_queued = std::max(most_queued, stream->queued_bytes());
    if (last == ResponseStream::WriteResult::kFull) {
      full_seen = true;
      std::this_thread::sleep_for(5ms);
    }
  }
  EXPECT_TRUE(full_seen);
  EXPECT_LE(most_queued, 64u * 1024);
  EXPECT_EQ(last, ResponseStream::WriteResult::kClosed);
  EXPECT_TRUE(stream->closed());
}

TEST(ServerStream, StopEndsOpenStreamsAtOnceAndSendsWhatTheyHold) {
  Streams streams;
  auto s = std::make_unique<TestServer>(ServerOptions{}, streams.handler());
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<RawConnection>(s->port()));
    ASSERT_TRUE(clients.back()->Send(GetRequest("/stream")));
    ASSERT_TRUE(clients.back()->Read(5s, true).has_value());
  }
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(streams.At(i));
  streams.At(0)->Finish("bye\n");
  const auto start = Clock::now();
  s->server().Stop();
  EXPECT_LT(Clock::now() - start, 1s);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(streams.At(i)->closed());
    EXPECT_TRUE(clients[i]->WaitClosed(5s));
  }
  EXPECT_EQ(clients[0]->unread(), "bye\n");
}

// Streams hold no worker: with one worker, plain requests are served while streams are open.
TEST(ServerStream, StreamsHoldNoWorker) {
  ServerOptions options;
  options.workers = 1;
  Streams streams;
  TestServer s(options, streams.handler());
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(GetRequest("/stream")) && b.Send(GetRequest("/stream")));
  ASSERT_TRUE(a.Read(5s, true).has_value());
  ASSERT_TRUE(b.Read(5s, true).has_value());
  const auto plain = RawRequest(s.port(), GetRequest("/plain"));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->status, 200);
}

// Streams are busy like a running handler: when they hold every slot, a new connection gets the
// 503 and no stream is evicted for it.
TEST(ServerStream, StreamsAreNeverEvictedForANewConnection) {
  ServerOptions options;
  options.max_connections = 2;
  Streams streams;
  TestServer s(options, streams.handler());
  RawConnection a(s.port()), b(s.port());
  ASSERT_TRUE(a.Send(GetRequest("/stream")) && b.Send(GetRequest("/stream")));
  ASSERT_TRUE(a.Read(5s, true).has_value());
  ASSERT_TRUE(b.Read(5s, true).has_value());
  const auto extra = RawRequest(s.port(), GetRequest("/plain"));
  ASSERT_TRUE(extra.has_value());
  EXPECT_EQ(extra->status, 503);
  // Which client's request the server took first is not ours to know: both streams get the words.
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_FALSE(streams.At(i)->closed());
    streams.At(i)->Write("still here\n");
  }
  EXPECT_TRUE(a.ReadUntil("still here\n", 5s));
  EXPECT_TRUE(b.ReadUntil("still here\n", 5s));
}

TEST(ServeBytes, AStreamingAnswerGivesItsHeadAndWhatItHoldsThenEnds) {
  Streams streams(1024, "data: 1\n\n");
  const std::string out =
      ServeBytes(GetRequest("/stream") + GetRequest("/plain"), streams.handler(), RequestLimits{});
  EXPECT_NE(out.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Content-Length"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 9), "data: 1\n\n");  // and no answer to the second request
}

}  // namespace
}  // namespace phpeek::http::testing
