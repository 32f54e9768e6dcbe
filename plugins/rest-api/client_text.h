// Client-sent text quoted in error messages: the HTTP library's Printable (one implementation for
// both plugins), under the rest-api namespace for the API's own messages.
#pragma once

#include "plugins/common/http/client_text.h"

namespace phpeek::rest {

using phpeek::http::Printable;

}  // namespace phpeek::rest
