// The error answer for a Backend call that failed (backend.h), in the format of error_body.h: the
// one mapping of BackendCode to an HTTP status for every control surface (rest-api, dashboard).
#pragma once

#include <optional>

#include "plugins/common/control/backend.h"
#include "plugins/common/http/message.h"

namespace phpeek::control {

// `op`: the control operation that failed, when there was one. A refused scale is a bad body (the
// number came from it); other refusals name no body.
http::HttpResponse BackendError(std::optional<ControlOp> op, const BackendResult& r);

}  // namespace phpeek::control
