#include "plugins/rest-api/signal_request.h"

#include "phpeek/json.hpp"
#include "phpeek/signals.hpp"
#include "plugins/rest-api/client_text.h"

namespace phpeek::rest {
namespace {

constexpr const char* kSignalExample = "a JSON object such as {\"signal\": \"USR1\"}";

std::string KnownNames() {
  std::string all;
  for (const auto& s : signals::kNamed) all += std::string(all.empty() ? "" : ", ") + s.name;
  return all;
}

// A string member, or false with a message naming the field.
bool StringMember(const json::Member& m, std::string_view* out, std::string* err) {
  const auto value = m.value.AsString();
  if (!value.ok()) {
    *err = "field \"" + std::string(m.key) + "\" must be a string, got " +
           json::KindName(m.value.kind());
    return false;
  }
  *out = value.value;
  return true;
}

}  // namespace

bool ParseSignalRequest(std::string_view body, SignalRequest* out, std::string* err) {
  json::Document doc;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    *err = std::string("request body is empty: expected ") + kSignalExample;
    return false;
  }
  if (!doc.Parse(body, err)) return false;
  if (!doc.root().is_object()) {
    *err = std::string("request body is a JSON ") + json::KindName(doc.root().kind()) +
           ", expected " + kSignalExample;
    return false;
  }
  std::string_view name, target = "leader";
  bool has_signal = false;
  for (const json::Member member : doc.root().members()) {
    if (member.key == "signal") {
      if (!StringMember(member, &name, err)) return false;
      has_signal = true;
    } else if (member.key == "target") {
      if (!StringMember(member, &target, err)) return false;
    } else {
      *err = "unknown field \"" + Printable(member.key) + "\": expected \"signal\" and \"target\"";
      return false;
    }
  }
  if (!has_signal) {
    *err = std::string("missing field \"signal\": expected ") + kSignalExample;
    return false;
  }
  out->number = signals::Number(name);
  if (out->number == 0) {
    *err = "unknown signal \"" + Printable(name) + "\": use one of " + KnownNames();
    return false;
  }
  out->name = signals::Name(out->number);
  if (target != "leader" && target != "group") {
    *err = "field \"target\" must be \"leader\" or \"group\", got \"" + Printable(target) + "\"";
    return false;
  }
  out->group = target == "group";
  return true;
}

}  // namespace phpeek::rest
