#include "plugins/common/control/backend_error.h"

#include "plugins/common/control/error_body.h"

namespace phpeek::control {

http::HttpResponse BackendError(std::optional<ControlOp> op, const BackendResult& r) {
  switch (r.code) {
    case BackendCode::kOk:
      return ErrorResponse(500, ErrorPhrase(500));
    case BackendCode::kNotFound:
      return ErrorResponse(404, "process not found");
    case BackendCode::kInvalidArgument:
      return ErrorResponse(400, op == ControlOp::kScale ? "invalid request body" : ErrorPhrase(400),
                           r.message);
    case BackendCode::kState:
      return ErrorResponse(409, ErrorPhrase(409), r.message);
    case BackendCode::kStopping:
      return ErrorResponse(503, ErrorPhrase(503), "the daemon is shutting down");
    case BackendCode::kTimeout:
      return ErrorResponse(503, ErrorPhrase(503), "the supervisor is busy, try again");
    case BackendCode::kUnsupported:
      return ErrorResponse(501, ErrorPhrase(501), r.message);
    case BackendCode::kInternal:
      break;
  }
  return ErrorResponse(500, ErrorPhrase(500), r.message);
}

}  // namespace phpeek::control
