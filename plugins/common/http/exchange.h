// The bytes a server writes for the bytes a client sent, without a socket: the parser, the
// handler and the response text put together exactly as a connection does. The server calls
// TakeExchange, AnswerRequest and AnswerRefusal; ServeBytes runs a whole connection's worth of
// input through the same three, for the unit tests and the fuzz targets of a plugin's request
// path.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "plugins/common/http/message.h"
#include "plugins/common/http/request_parser.h"
#include "plugins/common/http/response_stream.h"
#include "plugins/common/http/response_text.h"

namespace phpeek::http {

// A complete request as the server hands it to a worker.
struct Exchange {
  HttpRequest request;
  Persistence persistence = Persistence::kKeepAlive;
};

// Takes the complete request out of `parser` (after kComplete), received at `now`. HEAD becomes
// GET with `head` set (message.h).
Exchange TakeExchange(RequestParser& parser,
                      std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

// The handler's answer as response text. A handler that throws answers 500 and the connection
// closes. A streaming answer (HttpResponse::stream) gives its head here and its stream in
// `*stream` (the connection closes after it); to a HEAD request, the head alone, and the stream
// is detached at once (its writers see it closed).
std::string AnswerRequest(const Handler& handler, const Exchange& exchange,
                          const ResponseDefaults& defaults, bool* keep_alive,
                          std::shared_ptr<ResponseStream>* stream = nullptr);

// The answer to a request the server refused; the connection closes after it.
std::string AnswerRefusal(const RequestError& error, const ResponseDefaults& defaults);

// The refusal of a request that did not arrive whole within `timeout`.
RequestError TimeoutError(std::chrono::milliseconds timeout);

// Everything the server would write to a new connection on which `input` arrives at once and then
// the client stops sending: one answer per complete request, until a refusal or a request that
// ends the connection. A request left incomplete at the end gets no answer here (the server
// answers it 408 at its deadline). A streaming answer ends the connection here, after its head and
// what its stream holds when the handler returns.
std::string ServeBytes(std::string_view input, const Handler& handler,
                       const RequestLimits& limits = {}, const ResponseDefaults& defaults = {});

}  // namespace phpeek::http
