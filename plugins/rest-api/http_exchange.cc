#include "plugins/rest-api/http_exchange.h"

#include <exception>

#include "plugins/rest-api/error_body.h"

namespace phpeek::rest {

Exchange TakeExchange(RequestParser& parser) {
  Exchange e;
  e.persistence = !parser.keep_alive() ? Persistence::kClose
                  : parser.http10()    ? Persistence::kKeepAlive10
                                       : Persistence::kKeepAlive;
  e.request = parser.TakeRequest();
  e.head = e.request.method == "HEAD";
  return e;
}

std::string AnswerRequest(const RequestHandler& handler, const Exchange& exchange,
                          bool* keep_alive) {
  Persistence persistence = exchange.persistence;
  HttpResponse response;
  try {
    response = handler(exchange.request);
  } catch (const std::exception&) {
    response = ErrorResponse(500, ErrorPhrase(500));
    persistence = Persistence::kClose;
  }
  *keep_alive = persistence != Persistence::kClose;
  return ResponseText(response, exchange.head, persistence);
}

std::string AnswerRefusal(const RequestError& error) {
  return ResponseText(ErrorResponse(error.status, ErrorPhrase(error.status), error.detail),
                      /*head=*/false, Persistence::kClose);
}

RequestError TimeoutError(long long timeout_ms) {
  return RequestError{
      408, "the request did not arrive whole within " + std::to_string(timeout_ms) + " ms"};
}

std::string ServeBytes(std::string_view input, const RequestHandler& handler,
                       const RequestLimits& limits) {
  RequestParser parser(limits);
  std::string out;
  while (true) {
    size_t used = 0;
    const RequestParser::Progress p = parser.Feed(input, &used);
    input.remove_prefix(used);
    if (p == RequestParser::Progress::kNeedMore) return out;
    if (p == RequestParser::Progress::kError) return out + AnswerRefusal(parser.error());
    bool keep_alive = false;
    out += AnswerRequest(handler, TakeExchange(parser), &keep_alive);
    if (!keep_alive) return out;
    parser.Reset();
  }
}

}  // namespace phpeek::rest
