#include "plugins/common/http/exchange.h"

#include <exception>
#include <utility>

namespace phpeek::http {

Exchange TakeExchange(RequestParser& parser, std::chrono::steady_clock::time_point now) {
  Exchange e;
  e.persistence = !parser.keep_alive() ? Persistence::kClose
                  : parser.http10()    ? Persistence::kKeepAlive10
                                       : Persistence::kKeepAlive;
  e.request = parser.TakeRequest();
  e.request.received = now;
  if (e.request.method == "HEAD") {
    e.request.method = "GET";
    e.request.head = true;
  }
  return e;
}

std::string AnswerRequest(const Handler& handler, const Exchange& exchange,
                          const ResponseDefaults& defaults, bool* keep_alive,
                          std::shared_ptr<ResponseStream>* stream) {
  Persistence persistence = exchange.persistence;
  HttpResponse response;
  try {
    response = handler(exchange.request);
  } catch (const std::exception&) {
    response = defaults.render_error(500, "");
    persistence = Persistence::kClose;
  }
  if (response.stream) {
    persistence = Persistence::kClose;  // the body ends with the connection
    if (exchange.request.head || stream == nullptr) {
      response.stream->Detach();
    } else {
      *stream = response.stream;
    }
  }
  *keep_alive = persistence != Persistence::kClose;
  return ResponseText(response, exchange.request.head, persistence, defaults.headers);
}

std::string AnswerRefusal(const RequestError& error, const ResponseDefaults& defaults) {
  return ResponseText(defaults.render_error(error.status, error.detail), /*head=*/false,
                      Persistence::kClose, defaults.headers);
}

RequestError TimeoutError(std::chrono::milliseconds timeout) {
  return RequestError{
      408, "the request did not arrive whole within " + std::to_string(timeout.count()) + " ms"};
}

std::string ServeBytes(std::string_view input, const Handler& handler, const RequestLimits& limits,
                       const ResponseDefaults& defaults) {
  RequestParser parser(limits);
  std::string out;
  while (true) {
    size_t used = 0;
    const RequestParser::Progress p = parser.Feed(input, &used);
    input.remove_prefix(used);
    if (p == RequestParser::Progress::kNeedMore) return out;
    if (p == RequestParser::Progress::kError) return out + AnswerRefusal(parser.error(), defaults);
    bool keep_alive = false;
    std::shared_ptr<ResponseStream> stream;
    out += AnswerRequest(handler, TakeExchange(parser), defaults, &keep_alive, &stream);
    if (stream) {
      bool finished = false;
      out += stream->Take(&finished);
      stream->Detach();
    }
    if (!keep_alive) return out;
    parser.Reset();
  }
}

}  // namespace phpeek::http
