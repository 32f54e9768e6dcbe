// The FastCGI record protocol (FastCGI 1.0), as much of it as asking php-fpm for its status page
// needs: the request of a RESPONDER that sends no body, and an incremental reader of the answer's
// records with a bound on its size. Pure code, no I/O (fastcgi_client.h does the sockets).
//
// A record is an 8-byte header (version 1, type, request id, content length, padding length, a
// reserved byte), the content and the padding. The request: BEGIN_REQUEST (role RESPONDER, no
// KEEP_CONN: the server closes after END_REQUEST), PARAMS with the name-value pairs, an empty
// PARAMS, an empty STDIN. The answer: STDOUT records (the CGI response: headers, a blank line, the
// body), STDERR records, then END_REQUEST.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::metrics::fastcgi {

enum RecordType : uint8_t {
  kBeginRequest = 1,
  kAbortRequest = 2,
  kEndRequest = 3,
  kParams = 4,
  kStdin = 5,
  kStdout = 6,
  kStderr = 7,
};

inline constexpr uint8_t kVersion = 1;
inline constexpr uint16_t kRoleResponder = 1;
inline constexpr uint16_t kRequestId = 1;  // one request per connection
inline constexpr size_t kHeaderSize = 8;
inline constexpr size_t kMaxContent = 65535;

using Params = std::vector<std::pair<std::string, std::string>>;

// One record; `content` must be at most kMaxContent bytes. Padded to a multiple of 8.
std::string EncodeRecord(RecordType type, uint16_t request_id, std::string_view content);
// A name-value pair: each length in 1 byte below 128, else 4 bytes with the top bit set.
void AppendNameValue(std::string* out, std::string_view name, std::string_view value);
// The whole request of a RESPONDER without a body: BEGIN_REQUEST, the params (split into records of
// at most kMaxContent bytes), an empty PARAMS, an empty STDIN.
std::string EncodeRequest(const Params& params);

// The params of a GET of `path` with `query` (SCRIPT_NAME, SCRIPT_FILENAME, REQUEST_URI,
// REQUEST_METHOD, QUERY_STRING, ...): php-fpm answers its status page when SCRIPT_NAME is its
// pm.status_path, without looking for a file.
Params GetParams(std::string_view path, std::string_view query);

// Reads an answer's records as the bytes arrive. STDOUT and STDERR content together may be at most
// `max_answer` bytes (more is an error, found from a record's header before its content arrives);
// STDOUT is kept, STDERR only its first 256 bytes (for messages). Complete at END_REQUEST; any
// other record type is an error.
class ResponseReader {
 public:
  enum class State { kNeedMore, kDone, kError };

  explicit ResponseReader(size_t max_answer) : max_answer_(max_answer) {}

  // Takes the next bytes. Once kDone or kError, later bytes are ignored.
  State Feed(std::string_view bytes);
  // The connection ended: kDone when END_REQUEST came, else kError ("truncated ...").
  State Finish();

  State state() const { return state_; }
  const std::string& stdout_data() const { return stdout_; }
  const std::string& stderr_data() const { return stderr_; }
  const std::string& error() const { return error_; }

 private:
  State Fail(std::string message);
  // Handles the whole record at the front of pending_; false when more bytes are needed.
  bool TakeRecord();
  void EndRequest(std::string_view content);

  size_t max_answer_;
  size_t received_ = 0;  // STDOUT and STDERR content so far
  State state_ = State::kNeedMore;
  std::string pending_;  // bytes of the record being read
  std::string stdout_;
  std::string stderr_;
  std::string error_;
};

// A CGI response as php-fpm writes it to STDOUT: header lines up to a blank line (CRLF or LF), then
// the body. The `Status:` header gives the status (200 when absent). False with `err` when there
// is no blank line or the status is not a number.
struct CgiResponse {
  int status = 200;
  std::string content_type;
  std::string_view body;  // into the text given to ParseCgiResponse
};
bool ParseCgiResponse(std::string_view text, CgiResponse* out, std::string* err);

}  // namespace phpeek::metrics::fastcgi
