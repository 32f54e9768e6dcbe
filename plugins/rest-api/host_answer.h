// How the host's answers become the API's: a failed backend call as an HTTP error (the host's
// explanation as the detail), a host document as the answer's body (without its "schema").
#pragma once

#include <optional>
#include <string_view>

#include "plugins/common/control/backend.h"
#include "plugins/common/control/error_body.h"

namespace phpeek::rest {

using http::HttpRequest;
using http::HttpResponse;

// A refused scale is a bad body (the number came from it); other refusals name no body.
HttpResponse BackendError(std::optional<control::ControlOp> op, const control::BackendResult& r);

// `status` with the host's JSON object, less its "schema" member; 500 when it is unreadable.
HttpResponse HostObject(int status, std::string_view host_json);

}  // namespace phpeek::rest
