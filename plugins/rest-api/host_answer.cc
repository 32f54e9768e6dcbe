#include "plugins/rest-api/host_answer.h"

#include <string>
#include <utility>

#include "phpeek/json.hpp"
#include "plugins/common/http/json_string.h"

namespace phpeek::rest {
namespace {

// The host's JSON object without its "schema" member, as the API answers it (the document was
// parsed strictly, so each member's text is valid JSON).
bool WithoutSchema(std::string_view host_json, std::string* out, std::string* err) {
  json::Document doc;
  const json::Read<json::Object> object =
      doc.Parse(host_json, err) ? doc.root().AsObject() : json::Read<json::Object>{};
  if (!object.ok()) {
    *err = "the daemon sent an unreadable answer" + (err->empty() ? "" : " (" + *err + ")");
    return false;
  }
  out->assign("{");
  for (const json::Member m : object.value) {
    if (m.key == "schema") continue;
    if (out->size() > 1) out->push_back(',');
    http::AppendJsonString(out, m.key);
    out->push_back(':');
    out->append(m.value.text());
  }
  out->push_back('}');
  return true;
}

}  // namespace

HttpResponse BackendError(std::optional<control::ControlOp> op, const control::BackendResult& r) {
  switch (r.code) {
    case control::BackendCode::kOk:
      return control::ErrorResponse(500, control::ErrorPhrase(500));
    case control::BackendCode::kNotFound:
      return control::ErrorResponse(404, "process not found");
    case control::BackendCode::kInvalidArgument:
      return control::ErrorResponse(
          400,
          op == control::ControlOp::kScale ? "invalid request body" : control::ErrorPhrase(400),
          r.message);
    case control::BackendCode::kState:
      return control::ErrorResponse(409, control::ErrorPhrase(409), r.message);
    case control::BackendCode::kStopping:
      return control::ErrorResponse(503, control::ErrorPhrase(503), "the daemon is shutting down");
    case control::BackendCode::kTimeout:
      return control::ErrorResponse(503, control::ErrorPhrase(503),
                                    "the supervisor is busy, try again");
    case control::BackendCode::kUnsupported:
      return control::ErrorResponse(501, control::ErrorPhrase(501), r.message);
    case control::BackendCode::kInternal:
      break;
  }
  return control::ErrorResponse(500, control::ErrorPhrase(500), r.message);
}

HttpResponse HostObject(int status, std::string_view host_json) {
  std::string body, err;
  if (!WithoutSchema(host_json, &body, &err))
    return control::ErrorResponse(500, control::ErrorPhrase(500), err);
  return control::JsonResponse(status, std::move(body));
}

}  // namespace phpeek::rest
