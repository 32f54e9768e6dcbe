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

HttpResponse HostObject(int status, std::string_view host_json) {
  std::string body, err;
  if (!WithoutSchema(host_json, &body, &err))
    return control::ErrorResponse(500, control::ErrorPhrase(500), err);
  return control::JsonResponse(status, std::move(body));
}

}  // namespace phpeek::rest
