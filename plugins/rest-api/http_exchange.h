// The bytes the server writes for the bytes a client sent, without a socket: the parser, the API
// handler and the response text put together exactly as a connection does. The server calls
// AnswerRequest and AnswerRefusal; ServeBytes runs a whole connection's worth of input through the
// same two, for the unit tests and the fuzz targets of the request path.
#pragma once

#include <string>
#include <string_view>

#include "plugins/rest-api/http_message.h"
#include "plugins/rest-api/http_request_parser.h"
#include "plugins/rest-api/response_text.h"

namespace phpeek::rest {

// A complete request as the server hands it to a worker.
struct Exchange {
  HttpRequest request;
  bool head = false;  // HEAD: the GET answer's headers without its body
  Persistence persistence = Persistence::kKeepAlive;
};

// Takes the complete request out of `parser` (after kComplete).
Exchange TakeExchange(RequestParser& parser);

// The handler's answer as response text. A handler that throws answers 500
// {"error":"internal error"} and the connection closes.
std::string AnswerRequest(const RequestHandler& handler, const Exchange& exchange,
                          bool* keep_alive);

// The answer to a request the parser refused; the connection closes after it.
std::string AnswerRefusal(const RequestError& error);

// The answer to a request that did not arrive whole within `timeout_ms`.
RequestError TimeoutError(long long timeout_ms);

// Everything the server would write to a new connection on which `input` arrives at once and then
// the client stops sending: one answer per complete request, until a refusal or a request that
// ends the connection. A request left incomplete at the end gets no answer here (the server
// answers it 408 at its deadline).
std::string ServeBytes(std::string_view input, const RequestHandler& handler,
                       const RequestLimits& limits = {});

}  // namespace phpeek::rest
