// How the host's answers become the API's: a host document as the answer's body (without its
// "schema"), and a failed backend call as an HTTP error (control/backend_error.h).
#pragma once

#include <string_view>

#include "plugins/common/control/backend_error.h"
#include "plugins/common/control/error_body.h"

namespace phpeek::rest {

using control::BackendError;
using http::HttpRequest;
using http::HttpResponse;

// `status` with the host's JSON object, less its "schema" member; 500 when it is unreadable.
HttpResponse HostObject(int status, std::string_view host_json);

}  // namespace phpeek::rest
