// The FastCGI records as bytes: what the request is made of (read back field by field as the
// specification lays them out), and the answer reader on whole, split, garbled, truncated and
// oversized input. The bytes of kProtocolAnswer are those php-fpm 8.2 sent for `/status?json`.
#include "plugins/metrics/fastcgi_protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phpeek::metrics::fastcgi {
namespace {

struct Record {
  int version = 0, type = 0, id = 0, padding = 0;
  std::string content;
};

// Splits bytes into records the way a FastCGI server reads them.
std::vector<Record> RecordsOf(const std::string& bytes) {
  std::vector<Record> out;
  size_t at = 0;
  while (at + kHeaderSize <= bytes.size()) {
    const auto u = [&](size_t i) { return static_cast<uint8_t>(bytes[at + i]); };
    Record r{u(0), u(1), (u(2) << 8) | u(3), u(6), {}};
    const size_t length = (u(4) << 8) | u(5);
    r.content = bytes.substr(at + kHeaderSize, length);
    at += kHeaderSize + length + r.padding;
    out.push_back(r);
  }
  EXPECT_EQ(at, bytes.size()) << "trailing bytes";
  return out;
}

// Name-value pairs back from PARAMS content.
Params PairsOf(const std::string& content) {
  Params out;
  size_t at = 0;
  auto length = [&]() -> size_t {
    const auto b0 = static_cast<uint8_t>(content[at]);
    if (b0 < 128) return at += 1, b0;
    size_t n = ((b0 & 0x7fu) << 24) | (static_cast<uint8_t>(content[at + 1]) << 16) |
               (static_cast<uint8_t>(content[at + 2]) << 8) | static_cast<uint8_t>(content[at + 3]);
    at += 4;
    return n;
  };
  while (at < content.size()) {
    const size_t name = length();
    const size_t value = length();
    out.emplace_back(content.substr(at, name), content.substr(at + name, value));
    at += name + value;
  }
  return out;
}

std::string StdoutRecord(const std::string& text) {
  return EncodeRecord(kStdout, kRequestId, text);
}
std::string EndRecord(uint8_t protocol_status = 0) {
  const char body[8] = {0, 0, 0, 0, static_cast<char>(protocol_status), 0, 0, 0};
  return EncodeRecord(kEndRequest, kRequestId, std::string(body, 8));
}

const std::string kProtocolCgi =
    "X-Powered-By: PHP/8.2.36\r\nExpires: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
    "Content-Type: application/json\r\n\r\n"
    "{\"pool\":\"www\",\"accepted conn\":1}";
const std::string kProtocolAnswer = StdoutRecord(kProtocolCgi) + EndRecord();

TEST(FastcgiProtocol, RecordHeaderAndPadding) {
  const std::string r = EncodeRecord(kStdout, 0x0102, "hello");
  ASSERT_EQ(r.size(), 16u);  // 8 + 5 + 3 padding
  EXPECT_EQ(r.substr(0, 8), std::string("\x01\x06\x01\x02\x00\x05\x03\x00", 8));
  EXPECT_EQ(r.substr(8, 5), "hello");
  EXPECT_EQ(r.substr(13), std::string(3, '\0'));
  EXPECT_EQ(EncodeRecord(kStdin, 1, "").size(), 8u);  // no content, no padding
  EXPECT_EQ(EncodeRecord(kStdin, 1, "12345678").size(), 16u);
}

TEST(FastcgiProtocol, NameValueLengthsShortAndLong) {
  std::string out;
  AppendNameValue(&out, "AB", "c");
  EXPECT_EQ(out, std::string("\x02\x01"
                             "ABc",
                             5));
  out.clear();
  const std::string long_value(300, 'v');
  AppendNameValue(&out, "N", long_value);
  // 300 = 0x12c: four bytes, top bit set.
  EXPECT_EQ(out.substr(0, 5), std::string("\x01\x80\x00\x01\x2c", 5));
  EXPECT_EQ(out.substr(5), "N" + long_value);
  EXPECT_EQ(PairsOf(out), (Params{{"N", long_value}}));
}

TEST(FastcgiProtocol, StatusRequestIsBeginParamsEmptyParamsEmptyStdin) {
  const std::vector<Record> records = RecordsOf(EncodeRequest(GetParams("/status", "json")));
  ASSERT_EQ(records.size(), 4u);
  for (const Record& r : records) {
    EXPECT_EQ(r.version, 1);
    EXPECT_EQ(r.id, 1);
  }
  EXPECT_EQ(records[0].type, kBeginRequest);
  // Role RESPONDER (1), flags 0: the server closes the connection after END_REQUEST.
  EXPECT_EQ(records[0].content, std::string("\x00\x01\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(records[1].type, kParams);
  const Params params = PairsOf(records[1].content);
  auto value = [&](const std::string& name) {
    for (const auto& [n, v] : params) {
      if (n == name) return v;
    }
    return std::string("<absent>");
  };
  EXPECT_EQ(value("SCRIPT_NAME"), "/status");
  EXPECT_EQ(value("SCRIPT_FILENAME"), "/status");
  EXPECT_EQ(value("REQUEST_METHOD"), "GET");
  EXPECT_EQ(value("QUERY_STRING"), "json");
  EXPECT_EQ(value("REQUEST_URI"), "/status?json");
  EXPECT_EQ(records[2].type, kParams);
  EXPECT_EQ(records[2].content, "");
  EXPECT_EQ(records[3].type, kStdin);
  EXPECT_EQ(records[3].content, "");
}

TEST(FastcgiProtocol, ParamsLongerThanOneRecordAreSplit) {
  const std::string path = "/" + std::string(70000, 'p');
  const std::vector<Record> records = RecordsOf(EncodeRequest(GetParams(path, "")));
  ASSERT_GE(records.size(), 5u);
  std::string pairs;
  size_t params_records = 0;
  for (const Record& r : records) {
    if (r.type != kParams || r.content.empty()) continue;
    EXPECT_LE(r.content.size(), kMaxContent);
    pairs += r.content;
    ++params_records;
  }
  EXPECT_GE(params_records, 2u);
  EXPECT_EQ(PairsOf(pairs)[3], (std::pair<std::string, std::string>{"SCRIPT_NAME", path}));
}

TEST(FastcgiProtocol, ReaderTakesAWholeAnswer) {
  ResponseReader reader(64 * 1024);
  EXPECT_EQ(reader.Feed(kProtocolAnswer), ResponseReader::State::kDone);
  EXPECT_EQ(reader.stdout_data(), kProtocolCgi);
  EXPECT_EQ(reader.error(), "");
}

TEST(FastcgiProtocol, ReaderTakesAnAnswerByteByByteOverManyRecords) {
  const std::string answer = EncodeRecord(kStderr, 1, "Primary script unknown") +
                             StdoutRecord("Status: 404 Not Found\r\n") +
                             StdoutRecord("\r\nFile not found.\n") + EndRecord();
  ResponseReader reader(64 * 1024);
  for (size_t i = 0; i + 1 < answer.size(); ++i) {
    ASSERT_EQ(reader.Feed(answer.substr(i, 1)), ResponseReader::State::kNeedMore) << i;
  }
  EXPECT_EQ(reader.Feed(answer.substr(answer.size() - 1)), ResponseReader::State::kDone);
  EXPECT_EQ(reader.stdout_data(), "Status: 404 Not Found\r\n\r\nFile not found.\n");
  EXPECT_EQ(reader.stderr_data(), "Primary script unknown");
  // Bytes after END_REQUEST change nothing.
  EXPECT_EQ(reader.Feed("garbage"), ResponseReader::State::kDone);
}

TEST(FastcgiProtocol, ReaderRefusesGarbage) {
  struct Case {
    std::string bytes, error;
  };
  const std::vector<Case> cases = {
      {"HTTP/1.1 200 OK\r\n\r\n", "not a FastCGI answer (record version 72)"},
      {std::string("\x01\x06\x00\x02\x00\x00\x00\x00", 8), "a record for request 2, not 1"},
      {EncodeRecord(static_cast<RecordType>(11), 1, "12345678"), "unexpected record type 11"},
      {EncodeRecord(kEndRequest, 1, "1234"), "END_REQUEST with 4 bytes, not 8"},
      {EndRecord(2), "the server refused the request: overloaded"},
      {EndRecord(3), "the server refused the request: unknown role"},
  };
  for (const Case& c : cases) {
    ResponseReader reader(64 * 1024);
    EXPECT_EQ(reader.Feed(c.bytes), ResponseReader::State::kError) << c.error;
    EXPECT_EQ(reader.error(), c.error);
    EXPECT_EQ(reader.Feed(kProtocolAnswer), ResponseReader::State::kError) << "stays failed";
  }
}

TEST(FastcgiProtocol, ReaderRefusesATruncatedAnswer) {
  const std::string whole = kProtocolAnswer;
  // Cut inside the STDOUT header, inside its content, and before END_REQUEST.
  for (size_t cut : {size_t{0}, size_t{5}, size_t{40}, whole.size() - 16}) {
    ResponseReader reader(64 * 1024);
    reader.Feed(whole.substr(0, cut));
    EXPECT_EQ(reader.Finish(), ResponseReader::State::kError) << cut;
    EXPECT_NE(reader.error().find("the connection closed"), std::string::npos) << reader.error();
  }
  ResponseReader done(64 * 1024);
  done.Feed(whole);
  EXPECT_EQ(done.Finish(), ResponseReader::State::kDone);
}

TEST(FastcgiProtocol, ReaderRefusesAnOversizedAnswerFromTheHeaderAlone) {
  ResponseReader reader(1000);
  // Only the header of a 2000-byte record: refused before its content arrives.
  const std::string header = EncodeRecord(kStdout, 1, std::string(2000, 'x')).substr(0, 8);
  EXPECT_EQ(reader.Feed(header), ResponseReader::State::kError);
  EXPECT_EQ(reader.error(), "the answer is larger than 1000 bytes");

  // Many small records add up; STDERR counts too.
  ResponseReader small(1000);
  ResponseReader::State state = ResponseReader::State::kNeedMore;
  for (int i = 0; i < 20 && state == ResponseReader::State::kNeedMore; ++i) {
    state = small.Feed(EncodeRecord(i % 2 ? kStderr : kStdout, 1, std::string(100, 'y')));
  }
  EXPECT_EQ(state, ResponseReader::State::kError);
  EXPECT_LE(small.stdout_data().size(), 1000u);
  EXPECT_LE(small.stderr_data().size(), 256u);
}

TEST(FastcgiProtocol, CgiResponseHeadersAndBody) {
  CgiResponse cgi;
  std::string err;
  ASSERT_TRUE(ParseCgiResponse(kProtocolCgi, &cgi, &err)) << err;
  EXPECT_EQ(cgi.status, 200);
  EXPECT_EQ(cgi.content_type, "application/json");
  EXPECT_EQ(cgi.body, "{\"pool\":\"www\",\"accepted conn\":1}");

  ASSERT_TRUE(ParseCgiResponse("status: 404 Not Found\nContent-type: text/html\n\nFile not found.",
                               &cgi, &err));
  EXPECT_EQ(cgi.status, 404);
  EXPECT_EQ(cgi.content_type, "text/html");
  EXPECT_EQ(cgi.body, "File not found.");

  ASSERT_TRUE(ParseCgiResponse("\r\n", &cgi, &err));
  EXPECT_EQ(cgi.body, "");
}

TEST(FastcgiProtocol, CgiResponseGarbage) {
  CgiResponse cgi;
  std::string err;
  EXPECT_FALSE(ParseCgiResponse("", &cgi, &err));
  EXPECT_EQ(err, "the CGI answer has no blank line after its headers");
  EXPECT_FALSE(ParseCgiResponse("{\"pool\":\"www\"}", &cgi, &err));
  EXPECT_FALSE(ParseCgiResponse("no colon here\r\n\r\n{}", &cgi, &err));
  EXPECT_EQ(err, "the CGI answer has a header line without ':'");
  EXPECT_FALSE(ParseCgiResponse("Status: OK\r\n\r\n", &cgi, &err));
  EXPECT_EQ(err, "the CGI answer's Status header is not a status code");
  EXPECT_FALSE(ParseCgiResponse("Status: 99999 Big\r\n\r\n", &cgi, &err));
}

}  // namespace
}  // namespace phpeek::metrics::fastcgi
