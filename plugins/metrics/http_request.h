// The request side of the metrics listener's HTTP/1.1: finding the end of a request head in the
// bytes received so far and parsing it strictly (RFC 9112).
//
// Pure code, no I/O, so the listener can parse incrementally from a non-blocking socket (Poco's
// parsers read from blocking streams, and accept folded lines, lines without a colon and any
// version string). The listener serves only GET and HEAD of two paths and never reads a request
// body: a request that announces one (Content-Length above 0 or any Transfer-Encoding) is answered
// and its connection closed, and ambiguous framing (an invalid or negative Content-Length, two
// different ones, Content-Length together with Transfer-Encoding) is a 400 with the connection
// closed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace phpeek::metrics {

struct RequestHead {
  std::string method;      // case-sensitive token, e.g. "GET"
  std::string target;      // request-target as sent, e.g. "/metrics?x=1"
  int minor_version = 1;   // HTTP/1.<minor_version>; only 0 and 1 are accepted
  bool keep_alive = true;  // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with keep-alive
  bool has_body = false;   // Content-Length > 0 or a Transfer-Encoding: the body is never read
};

struct HeadParse {
  int status = 0;      // 0: parsed; else the HTTP status to answer (400, 431, 505), then close
  std::string reason;  // why, for the response body
};

// Bytes of CR and LF a client may send between requests (RFC 9112 section 2.2); skip them.
size_t LeadingEmptyLines(std::string_view buffer);

// The length of the head (through its empty line) at the start of `buffer`, or 0 while the empty
// line has not arrived. Lines end in CRLF or a bare LF.
size_t HeadLength(std::string_view buffer);

// Parses a complete head as found by HeadLength().
HeadParse ParseRequestHead(std::string_view head, RequestHead* out);

}  // namespace phpeek::metrics
