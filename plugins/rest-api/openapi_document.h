// The OpenAPI 3 document of the API (openapi.json next to this file), embedded at build time.
#pragma once

#include <string_view>

namespace phpeek::rest {

std::string_view OpenApiDocument();

}  // namespace phpeek::rest
