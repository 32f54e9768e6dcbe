// Reads one HTTP/1.1 response from the bytes of a connection as they arrive: status line, header
// fields, then a body framed by Content-Length, chunked transfer coding, or the end of the
// connection. Interim 1xx responses are skipped. Header block and body sizes are bounded. The
// body of a streaming answer can be taken as it arrives (TakeBody).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::cli::client {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values trimmed
  std::string body;                                          // de-chunked

  // The value of header `name` (case-insensitive; the last one when repeated), or nullptr.
  const std::string* Header(std::string_view name) const;
};

class ResponseParser {
 public:
  enum class Progress { kIncomplete, kComplete, kError };

  static constexpr size_t kMaxHeaderBytes = 64 * 1024;

  explicit ResponseParser(size_t max_body) : max_body_(max_body) {}

  // Consumes bytes received from the peer. Bytes after a complete response are ignored.
  Progress Feed(std::string_view data);
  // The peer closed the connection: completes a body that runs until the end, fails otherwise.
  Progress Finish();

  const HttpResponse& response() const { return response_; }
  // The status line and header fields have arrived (response() has them); the body may still be
  // arriving.
  bool head_complete() const { return state_ != State::kHead; }
  // Moves out the body bytes received so far: a streaming answer is read piece by piece, and the
  // max_body bound applies to what has not been taken.
  std::string TakeBody();
  HttpResponse TakeResponse() { return std::move(response_); }
  // Why parsing failed, for messages ("malformed status line", ...).
  const std::string& error() const { return error_; }

 private:
  enum class State { kHead, kFixed, kUntilEnd, kChunkSize, kChunkData, kChunkEnd, kTrailer, kDone };

  Progress Step(bool* progressed);
  Progress ReadHead(bool* progressed);
  bool ParseHead(std::string_view head);
  bool ParseStatusLine(std::string_view line);
  bool ChooseFraming();
  Progress ReadBody(bool* progressed);
  Progress ReadChunkSize(bool* progressed);
  Progress ReadLine(size_t limit, std::string_view* line);
  bool AppendBody(size_t n);
  Progress Fail(std::string why);

  size_t max_body_;
  State state_ = State::kHead;
  std::string pending_;  // received, not yet consumed from pos_ on
  size_t pos_ = 0;
  size_t remaining_ = 0;  // kFixed, kChunkData: body bytes still to come
  bool received_any_ = false;
  HttpResponse response_;
  std::string error_;
};

}  // namespace phpeek::cli::client
