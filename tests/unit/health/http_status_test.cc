#include "core/health/http_status.h"

#include <gtest/gtest.h>

namespace phpeek::health {
namespace {

TEST(HttpStatusTest, ParsesTheStatusLine) {
  int status = 0;
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n", &status),
            StatusLine::kParsed);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(ParseStatusLine("HTTP/1.0 503 Service Unavailable\r\n", &status), StatusLine::kParsed);
  EXPECT_EQ(status, 503);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 204\r\n", &status), StatusLine::kParsed);  // no reason
  EXPECT_EQ(status, 204);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 301 Moved\n", &status), StatusLine::kParsed);  // bare LF
  EXPECT_EQ(status, 301);
}

TEST(HttpStatusTest, IncompleteUntilTheLineEnds) {
  int status = 0;
  EXPECT_EQ(ParseStatusLine("", &status), StatusLine::kIncomplete);
  EXPECT_EQ(ParseStatusLine("HTT", &status), StatusLine::kIncomplete);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 200 O", &status), StatusLine::kIncomplete);
}

TEST(HttpStatusTest, AnythingElseIsMalformedAsSoonAsItShows) {
  int status = 0;
  EXPECT_EQ(ParseStatusLine("SSH-2.0-OpenSSH", &status), StatusLine::kMalformed);
  EXPECT_EQ(ParseStatusLine("HTTP/2 200\r\n", &status), StatusLine::kMalformed);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 20\r\n", &status), StatusLine::kMalformed);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 2000 OK\r\n", &status), StatusLine::kMalformed);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 abc OK\r\n", &status), StatusLine::kMalformed);
  EXPECT_EQ(ParseStatusLine("HTTP/1.1 099 x\r\n", &status), StatusLine::kMalformed);
}

}  // namespace
}  // namespace phpeek::health
