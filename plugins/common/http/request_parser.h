// Reads HTTP/1.1 requests (RFC 9112) from the bytes of a connection as they arrive, one request at
// a time, without a socket: the server feeds it what the transport read, the unit and fuzz tests
// feed it any bytes they like, in any split.
//
// Framing is exact, because a server that guesses where a body ends either waits for bytes that
// never come or reads the next request as part of this one:
//  - neither Content-Length nor Transfer-Encoding: the body is empty (section 6.3, rule 7);
//  - Content-Length must be digits; repeated values must all be equal;
//  - Transfer-Encoding must end in "chunked", only in HTTP/1.1, and never together with
//    Content-Length (a 400: such a message is how request smuggling starts);
//  - the chunked body must end with its last chunk and trailer section.
// A malformed request line or version, a header field with whitespace before the colon, line
// folding, a control character, a missing or repeated Host (HTTP/1.1) or a repeated Authorization
// header is a 400; HTTP/1.x with x > 1 is read as HTTP/1.1 (RFC 9110 section 2.5), other major
// versions are a 505. Every part is bounded: 414, 431 and 413 name the limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugins/common/http/message.h"

namespace phpeek::http {

enum class BodyPolicy {
  kRead,  // bodies are read (up to max_body) and handed to the handler
  // For servers whose routes take no body: a request that declares one is complete at the end of
  // its head, its body is never read nor bounded, and the connection closes after the answer (so
  // the body's bytes are never taken for a request). Framing is checked all the same.
  kSkip,
};

struct RequestLimits {
  size_t max_request_line = 8192;
  size_t max_head = 16384;  // the request line and header fields; the trailer section alone
  size_t max_fields = 100;
  int64_t max_body = 65536;  // after de-chunking
  BodyPolicy bodies = BodyPolicy::kRead;
};

// Why a request is refused: the status to answer and what was wrong, for the error body.
struct RequestError {
  int status = 400;
  std::string detail;
};

class RequestParser {
 public:
  enum class Progress { kNeedMore, kComplete, kError };

  explicit RequestParser(RequestLimits limits = {});

  // Consumes the bytes of `data` that belong to the current request and says how many in *used:
  // after a complete request, the bytes that follow belong to the next one (pipelining) and are
  // left to the caller. After kComplete or kError nothing more is consumed until Reset().
  Progress Feed(std::string_view data, size_t* used);

  // Some byte of the current request has arrived.
  bool started() const { return started_; }
  // The head asked for "100 Continue" before a body that has not arrived yet.
  bool expects_continue() const;
  // Whether the connection may carry another request after this one (version, Connection, and
  // a skipped body).
  bool keep_alive() const { return keep_alive_; }
  // The request said HTTP/1.0 (so keep-alive must be confirmed in the answer).
  bool http10() const { return minor_version_ == 0; }

  // After kComplete.
  HttpRequest TakeRequest();
  // After kError.
  const RequestError& error() const { return error_; }

  // Ready for the next request on the same connection.
  void Reset();

 private:
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailer, kDone, kError };

  // One step of the state machine: consumes bytes from data[*pos], changes state, or both.
  void Step(std::string_view data, size_t* pos);
  void FeedHead(std::string_view data, size_t* pos);
  bool ParseHead();
  bool ParseRequestLine(std::string_view line);
  bool ParseField(std::string_view line);
  bool ParseContentLength(std::string_view value);
  bool ChooseFraming();
  bool CheckTransferCoding();
  void FeedBody(std::string_view data, size_t* pos);  // Content-Length or one chunk's data
  void FeedChunkSize(std::string_view data, size_t* pos);
  void FeedChunkEnd(std::string_view data, size_t* pos);
  void FeedTrailer(std::string_view data, size_t* pos);
  // Collects one line of a chunked body into line_; true once it is complete (without its CRLF).
  bool ReadLine(std::string_view data, size_t* pos, size_t max, std::string_view* line);
  bool AppendBody(int64_t n);
  void Fail(int status, std::string detail);

  RequestLimits limits_;
  State state_ = State::kHead;
  bool started_ = false;
  std::string head_;          // the request head as received, up to its empty line
  size_t line_start_ = 0;     // where the line being received starts in head_
  size_t leading_empty_ = 0;  // CR and LF bytes before the request line (tolerated, bounded)
  std::string line_;          // the chunked body's current size or trailer line
  size_t trailer_bytes_ = 0;
  int64_t remaining_ = 0;  // kBody, kChunkData: body bytes still to come

  // From the head.
  HttpRequest request_;
  int minor_version_ = 1;
  int hosts_ = 0;
  bool has_authorization_ = false;
  bool has_content_length_ = false;
  std::string content_length_;   // the digits, as sent
  std::string transfer_coding_;  // the codings, lower case, comma-separated
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  bool expect_continue_ = false;
  bool keep_alive_ = true;

  RequestError error_;
};

}  // namespace phpeek::http
