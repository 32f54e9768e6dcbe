// What the metrics listener answers: GET <metrics_path> runs the scrape, GET /health answers
// {"status":"healthy"}; other paths are 404, other methods 405 (with Allow). The query string is
// ignored; origin-form and absolute-form targets alike. HEAD never reaches here: the server
// answers it as GET without the body, on every path including errors.
#pragma once

#include <functional>
#include <string>

#include "plugins/common/http/message.h"

namespace phpeek::metrics {

using http::HttpRequest;
using http::HttpResponse;

using ScrapeFn = std::function<HttpResponse()>;

HttpResponse Route(const HttpRequest& request, const std::string& metrics_path,
                   const ScrapeFn& scrape);

// A plain-text error response (404, 405, 500, 503...): `reason` and a newline.
HttpResponse ErrorResponse(int status, const std::string& reason);

}  // namespace phpeek::metrics
