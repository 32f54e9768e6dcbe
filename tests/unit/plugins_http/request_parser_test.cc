// The request parser on its own: framing (RFC 9112 section 6.3), limits, the skipped-body policy,
// and bytes arriving in any split. The cases of both plugins' former parsers (rest-api's
// http_request_parser, metrics' http_request) are all here.
#include "plugins/common/http/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace phpeek::http {
namespace {

using Progress = RequestParser::Progress;

struct Outcome {
  Progress progress = Progress::kNeedMore;
  size_t used = 0;
  HttpRequest request;
  RequestError error;
  bool keep_alive = false;
};

// Feeds `bytes` in one piece.
Outcome Parse(const std::string& bytes, RequestLimits limits = {}) {
  RequestParser parser(limits);
  Outcome o;
  o.progress = parser.Feed(bytes, &o.used);
  if (o.progress == Progress::kComplete) {
    o.keep_alive = parser.keep_alive();
    o.request = parser.TakeRequest();
  }
  if (o.progress == Progress::kError) o.error = parser.error();
  return o;
}

// Feeds `bytes` one byte at a time; the result must not depend on how the bytes arrive.
Outcome ParseBytewise(const std::string& bytes, RequestLimits limits = {}) {
  RequestParser parser(limits);
  Outcome o;
  for (size_t i = 0; i < bytes.size(); ++i) {
    size_t used = 0;
    o.progress = parser.Feed(std::string_view(bytes).substr(i, 1), &used);
    o.used += used;
    if (o.progress != Progress::kNeedMore) break;
  }
  if (o.progress == Progress::kComplete) {
    o.keep_alive = parser.keep_alive();
    o.request = parser.TakeRequest();
  }
  if (o.progress == Progress::kError) o.error = parser.error();
  return o;
}

void ExpectRefused(const std::string& bytes, int status, const std::string& detail_part) {
  for (const Outcome& o : {Parse(bytes), ParseBytewise(bytes)}) {
    EXPECT_EQ(o.progress, Progress::kError) << bytes;
    EXPECT_EQ(o.error.status, status) << bytes << " -> " << o.error.detail;
    EXPECT_NE(o.error.detail.find(detail_part), std::string::npos)
        << bytes << " -> " << o.error.detail;
  }
}

TEST(RequestParser, GetWithoutBody) {
  const std::string bytes =
      "GET /api/v1/processes?x=1 HTTP/1.1\r\nHost: x\r\nAuthorization:  Bearer t \r\n\r\n";
  for (const Outcome& o : {Parse(bytes), ParseBytewise(bytes)}) {
    ASSERT_EQ(o.progress, Progress::kComplete);
    EXPECT_EQ(o.used, bytes.size());
    EXPECT_EQ(o.request.method, "GET");
    EXPECT_EQ(o.request.target, "/api/v1/processes?x=1");
    ASSERT_NE(o.request.Field("authorization"), nullptr);
    EXPECT_EQ(*o.request.Field("AUTHORIZATION"), "Bearer t") << "outer whitespace trimmed";
    ASSERT_EQ(o.request.fields.size(), 2u);
    EXPECT_EQ(o.request.fields[0], (std::pair<std::string, std::string>{"Host", "x"}));
    EXPECT_TRUE(o.keep_alive);
  }
}

// RFC 9112 section 6.3 rule 7: what `curl -X POST url` sends has an empty body, complete at once.
TEST(RequestParser, PostWithoutContentLengthHasAnEmptyBody) {
  const Outcome o = Parse("POST /api/v1/processes/web/restart HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.request.body, "");
}

TEST(RequestParser, ContentLengthBody) {
  const std::string bytes =
      "POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n{\"scale\": 3}GET /next";
  for (const Outcome& o : {Parse(bytes), ParseBytewise(bytes)}) {
    ASSERT_EQ(o.progress, Progress::kComplete);
    EXPECT_EQ(o.request.body, "{\"scale\": 3}");
    EXPECT_EQ(bytes.substr(o.used), "GET /next") << "the next request's bytes are left";
  }
  // The same value twice (also as a list) is one length.
  EXPECT_EQ(Parse("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2, 2\r\n"
                  "\r\nab")
                .request.body,
            "ab");
}

TEST(RequestParser, ShortBodyIsIncompleteNotARequest) {
  const Outcome o = Parse("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(o.progress, Progress::kNeedMore);
}

TEST(RequestParser, ChunkedBody) {
  const std::string bytes =
      "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "5;ext=1\r\n{\"sca\r\n7\r\nle\": 3}\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT";
  for (const Outcome& o : {Parse(bytes), ParseBytewise(bytes)}) {
    ASSERT_EQ(o.progress, Progress::kComplete) << o.error.detail;
    EXPECT_EQ(o.request.body, "{\"scale\": 3}");
    EXPECT_EQ(bytes.substr(o.used), "NEXT");
  }
}

TEST(RequestParser, ChunkedWithoutLastChunkIsIncomplete) {
  EXPECT_EQ(Parse("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n")
                .progress,
            Progress::kNeedMore);
  EXPECT_EQ(Parse("POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n0\r\n")
                .progress,
            Progress::kNeedMore)
      << "the trailer section's empty line is missing";
}

TEST(RequestParser, AmbiguousOrBadFramingIs400) {
  const std::string head = "POST /s HTTP/1.1\r\nHost: x\r\n";
  ExpectRefused(head + "Content-Length: abc\r\n\r\n", 400, "invalid Content-Length 'abc'");
  ExpectRefused(head + "Content-Length: -5\r\n\r\n", 400, "invalid Content-Length '-5'");
  ExpectRefused(head + "Content-Length: +5\r\n\r\n", 400, "invalid Content-Length");
  ExpectRefused(head + "Content-Length: 5 5\r\n\r\n", 400, "invalid Content-Length");
  ExpectRefused(head + "Content-Length:\r\n\r\n", 400, "Content-Length");
  ExpectRefused(head + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400,
                "conflicting Content-Length values 5 and 6");
  ExpectRefused(head + "Content-Length: 5, 6\r\n\r\n", 400, "conflicting");
  ExpectRefused(head + "Content-Length: abc\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "invalid Content-Length");
  ExpectRefused(head + "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "both Content-Length and Transfer-Encoding");
  ExpectRefused(head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400,
                "both Content-Length and Transfer-Encoding");
  ExpectRefused(head + "Transfer-Encoding: gzip\r\n\r\n", 400, "must be chunked");
  ExpectRefused(head + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400, "must be chunked");
  ExpectRefused(head + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501, "'gzip' is not supported");
  ExpectRefused("POST /s HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "HTTP/1.0");
  ExpectRefused(head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "invalid chunk size");
  ExpectRefused(head + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n", 400,
                "longer than its size");
  ExpectRefused(head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n", 400,
                "invalid chunk size");
}

TEST(RequestParser, MalformedHeadIs400) {
  ExpectRefused("GET /api/v1/health XTTP/1.1\r\nHost: x\r\n\r\n", 400,
                "malformed HTTP version 'XTTP/1.1'");
  ExpectRefused("GET /api/v1/health HTTP/1.1.1\r\nHost: x\r\n\r\n", 400, "malformed");
  ExpectRefused("GET /api/v1/health HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP/2.0");
  ExpectRefused("GET  /a HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request line");
  ExpectRefused("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request line");
  ExpectRefused("G(T /a HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request line");
  ExpectRefused("GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed request line");
  ExpectRefused("\x16\x03\x01 not http\r\n\r\n", 400, "malformed request line");
  ExpectRefused("GET /a HTTP/1.1\r\nHost : x\r\n\r\n", 400, "without whitespace before the colon");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n", 400, "line folding");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\x01z\r\n\r\n", 400, "control character");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nX-A: a\rz\r\n\r\n", 400, "bare CR");
  ExpectRefused("GET /a HTTP/1.1\r\nNoColon\r\n\r\n", 400, "malformed header field");
  ExpectRefused("GET /a HTTP/1.1\r\n\r\n", 400, "no Host header");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, "more than one Host");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n", 400,
                "more than one Authorization");
  ExpectRefused("GET /a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417, "magic");
  ExpectRefused("\r\n\r\n\r\n\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n", 400, "empty lines");
  ExpectRefused(std::string(9, '\r'), 400, "empty lines");
  // A malformed field is named, its value (maybe a credential) never echoed.
  const Outcome o = Parse("GET /a HTTP/1.1\r\nHost: x\r\nAuthorization : Bearer s3cret\r\n\r\n");
  EXPECT_EQ(o.error.status, 400);
  EXPECT_NE(o.error.detail.find("'Authorization '"), std::string::npos) << o.error.detail;
  EXPECT_EQ(o.error.detail.find("s3cret"), std::string::npos) << o.error.detail;
}

TEST(RequestParser, Limits) {
  RequestLimits limits;
  limits.max_body = 10;
  const std::string head = "POST /s HTTP/1.1\r\nHost: x\r\n";
  for (const std::string& bytes :
       {head + "Content-Length: 11\r\n\r\n",
        head + "Content-Length: 99999999999999999999999\r\n\r\n",
        head + "Transfer-Encoding: chunked\r\n\r\n5\r\n12345\r\n6\r\n"}) {
    const Outcome o = Parse(bytes, limits);
    EXPECT_EQ(o.progress, Progress::kError) << bytes;
    EXPECT_EQ(o.error.status, 413) << bytes;
    EXPECT_NE(o.error.detail.find("at most 10 bytes"), std::string::npos) << o.error.detail;
  }
  EXPECT_EQ(Parse("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n").error.status, 414);
  EXPECT_EQ(Parse("GET /" + std::string(9000, 'a')).error.status, 414) << "before its end";
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nX: " + std::string(17000, 'a')).error.status, 431);
  std::string many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  EXPECT_EQ(Parse(many + "\r\n").error.status, 431);
  EXPECT_EQ(Parse(head + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: " + std::string(17000, 'a'))
                .error.status,
            431);
}

// A trailer section of many short lines counts every byte of each line towards the limit,
// however the bytes arrive (byte by byte, only each line's last piece was counted: found by
// fuzzing, tests/fuzz/regressions/http_request/trailer-lines-byte-by-byte.http).
TEST(RequestParser, TheTrailerLimitHoldsForLinesThatArriveInPieces) {
  std::string request = "POST /s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 200; ++i)
    request += "X-" + std::to_string(i) + ": " + std::string(100, 'a') + "\r\n";
  request += "\r\n";
  const Outcome whole = Parse(request);
  const Outcome bytewise = ParseBytewise(request);
  EXPECT_EQ(whole.progress, Progress::kError);
  EXPECT_EQ(whole.error.status, 431);
  EXPECT_EQ(bytewise.progress, Progress::kError);
  EXPECT_EQ(bytewise.error.status, 431) << bytewise.error.detail;
}

TEST(RequestParser, VersionsAndPersistence) {
  EXPECT_TRUE(Parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").keep_alive) << "HTTP/1.0 needs no Host";
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
  EXPECT_EQ(Parse("GET / HTTP/1.9\r\nHost: x\r\n\r\n").progress, Progress::kComplete)
      << "a later HTTP/1 minor is read as HTTP/1.1";
  // Bare LF line ends and one leading empty line are tolerated (RFC 9112 section 2.2).
  EXPECT_EQ(Parse("\r\nGET / HTTP/1.1\nHost: x\n\n").progress, Progress::kComplete);
}

TEST(RequestParser, ContinueIsExpectedOnlyBeforeABody) {
  RequestParser parser;
  size_t used = 0;
  ASSERT_EQ(parser.Feed("POST /s HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                        "Content-Length: 2\r\n\r\n",
                        &used),
            Progress::kNeedMore);
  EXPECT_TRUE(parser.expects_continue());
  ASSERT_EQ(parser.Feed("ab", &used), Progress::kComplete);
  EXPECT_FALSE(parser.expects_continue());
  parser.Reset();
  ASSERT_EQ(parser.Feed("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n", &used),
            Progress::kComplete);
  EXPECT_FALSE(parser.expects_continue());
}

TEST(RequestParser, ResetReadsTheNextRequest) {
  const std::string two =
      "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n1GET /b HTTP/1.1\r\nHost: x\r\n\r\n";
  RequestParser parser;
  size_t used = 0;
  ASSERT_EQ(parser.Feed(two, &used), Progress::kComplete);
  EXPECT_EQ(parser.TakeRequest().target, "/a");
  size_t none = 1;
  EXPECT_EQ(parser.Feed("more", &none), Progress::kComplete);
  EXPECT_EQ(none, 0u) << "nothing more is consumed before Reset";
  parser.Reset();
  EXPECT_FALSE(parser.started());
  size_t used2 = 0;
  ASSERT_EQ(parser.Feed(std::string_view(two).substr(used), &used2), Progress::kComplete);
  EXPECT_EQ(parser.TakeRequest().target, "/b");
}

// Where a head ends: CRLF or bare-LF lines, the empty line complete, leading empty lines skipped;
// the bytes after it are the caller's.
TEST(RequestParser, TheHeadEndsAtItsEmptyLine) {
  Outcome o = Parse("GET / HTTP/1.1\r\nHost: a\r\n\r\nrest");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.used, 27u);
  o = Parse("GET / HTTP/1.1\nHost: a\n\nrest");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.used, 24u);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n").progress, Progress::kNeedMore);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n\r").progress, Progress::kNeedMore);
  EXPECT_EQ(Parse("").progress, Progress::kNeedMore);
  o = Parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.used, 31u);
  EXPECT_EQ(o.request.target, "/");
}

TEST(RequestParser, MethodTargetVersionAndConnection) {
  Outcome o = Parse("GET /metrics?a=b HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.request.method, "GET");
  EXPECT_EQ(o.request.target, "/metrics?a=b");
  EXPECT_TRUE(o.keep_alive);
  EXPECT_EQ(o.request.body, "");
  o = Parse("HEAD / HTTP/1.1\r\nhost: x\r\nConnection: TE, Close\r\n\r\n");
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_EQ(o.request.method, "HEAD") << "the parser keeps the method as sent";
  EXPECT_FALSE(o.keep_alive);
  RequestParser parser;
  size_t used = 0;
  ASSERT_EQ(parser.Feed("GET / HTTP/1.0\nConnection: keep-alive\n\n", &used), Progress::kComplete);
  EXPECT_TRUE(parser.keep_alive());
  EXPECT_TRUE(parser.http10());
}

// BodyPolicy::kSkip (a server whose routes take no body): a request that declares a body is
// complete at its head, its body is left unread, and the connection must close after the answer.
TEST(RequestParser, SkippedBodiesEndTheConnection) {
  RequestLimits skip;
  skip.bodies = BodyPolicy::kSkip;
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
  Outcome o = Parse(head + "Content-Length: 0\r\n\r\n", skip);
  ASSERT_EQ(o.progress, Progress::kComplete);
  EXPECT_TRUE(o.keep_alive) << "an empty body is no body";
  for (const std::string& fields : {std::string("Content-Length: 5, 5\r\n"),
                                    std::string("Content-Length: 5\r\nContent-Length: 5\r\n"),
                                    std::string("Transfer-Encoding: chunked\r\n"),
                                    std::string("Content-Length: 99999999999999999999\r\n")}) {
    const std::string request = head + fields + "\r\n";
    for (const Outcome& r : {Parse(request + "GET /", skip), ParseBytewise(request, skip)}) {
      ASSERT_EQ(r.progress, Progress::kComplete) << fields << r.error.detail;
      EXPECT_FALSE(r.keep_alive) << fields;
      EXPECT_EQ(r.used, request.size()) << "the body is not consumed: " << fields;
      EXPECT_EQ(r.request.body, "");
    }
  }
  // Framing is checked all the same.
  for (const std::string& bad :
       {std::string("Content-Length: abc\r\n"), std::string("Content-Length: -5\r\n"),
        std::string("Content-Length: 1\r\nContent-Length: 2\r\n"),
        std::string("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"),
        std::string("Transfer-Encoding: gzip\r\n")}) {
    EXPECT_EQ(Parse(head + bad + "\r\n", skip).error.status, 400) << bad;
  }
  // With bodies read, a length of 20 digits is too large rather than ambiguous.
  EXPECT_EQ(Parse(head + "Content-Length: 99999999999999999999\r\n\r\n").error.status, 413);
}

// The framing and head cases the metrics listener's parser had, in the unified parser.
TEST(RequestParser, FramingAndHeadCasesOfTheMetricsParser) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (const char* fields :
       {"Content-Length: abc", "Content-Length: -5", "Content-Length: +5",
        "Content-Length: ", "Content-Length: 1, 2", "Content-Length: 1\r\nContent-Length: 2",
        "Content-Length: 1\r\nTransfer-Encoding: chunked", "Bad Name: v", "Content-Length : 5",
        "X: a\rb", "no colon", " folded", "Host: y"}) {
    EXPECT_EQ(Parse(head + fields + "\r\n\r\n").error.status, 400) << fields;
  }
  const char nul[] = "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n";
  EXPECT_EQ(Parse(std::string(nul, sizeof(nul) - 1)).error.status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.1x\r\nHost: x\r\n\r\n").error.status, 400);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\n\r\n").error.status, 400) << "no Host";
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\n\r\n").progress, Progress::kComplete)
      << "Host is optional in HTTP/1.0";
  // The metrics parser answered HTTP/1.2 with 505; RFC 9110 section 2.5 says to read a higher
  // minor version as the highest one implemented, as rest-api's did.
  const Outcome later = Parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n");
  EXPECT_EQ(later.progress, Progress::kComplete);
  EXPECT_TRUE(later.keep_alive);
  std::string many = head;
  for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(Parse(many + "\r\n").error.status, 431) << "Host and 100 more fields";
}

}  // namespace
}  // namespace phpeek::http
