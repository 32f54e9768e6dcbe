#include "plugins/common/security/listener_security.h"

#include <utility>

#include "plugins/common/http/json_string.h"
#include "plugins/common/security/tls_transport.h"

namespace phpeek::security {
namespace {

// Parses the key's JSON text into `doc` (absent: `doc` stays empty and root() is missing).
bool LookupDocument(const JsonLookup& lookup, const std::string& key, json::Document* doc,
                    std::string* err) {
  std::string text;
  std::string lookup_err;
  if (!lookup(key, &text, &lookup_err)) {
    if (lookup_err.empty()) return true;
    *err = key + ": " + lookup_err;
    return false;
  }
  std::string parse_err;
  if (!doc->Parse(text, &parse_err)) {
    *err = key + ": " + parse_err;
    return false;
  }
  return true;
}

// The X-Forwarded-For fields of a request, joined by "," (one list, RFC 9110 section 5.3).
std::string ForwardedFor(const http::HttpRequest& request) {
  std::string joined;
  for (const auto& [name, value] : request.fields) {
    if (!http::EqualsIgnoreCase(name, "X-Forwarded-For")) continue;
    if (!joined.empty()) joined += ",";
    joined += value;
  }
  return joined;
}

http::HttpResponse Forbidden(const std::string& detail) {
  http::HttpResponse r;
  r.status = 403;
  r.content_type = "application/json";
  r.body = "{\"error\":\"forbidden\",\"detail\":";
  http::AppendJsonString(&r.body, detail);
  r.body += "}";
  return r;
}

}  // namespace

JsonLookup HostJsonLookup(const phpeek::v1::Host& host) {
  return [host](const std::string& key, std::string* json, std::string* err) {
    const phpeek::v1::Status s = host.configJson("/" + key, json);
    if (s.code == PHPEEK_E_NOT_FOUND) return false;
    if (!s.ok()) {
      *err = s.message;
      return false;
    }
    return true;
  };
}

bool ReadListenerSecurity(const JsonLookup& lookup, std::string_view prefix,
                          ListenerSecuritySettings* out, std::string* err_key, std::string* err) {
  const std::string tls_key = std::string(prefix) + "_tls";
  const std::string acl_key = std::string(prefix) + "_acl";
  json::Document tls_doc;
  json::Document acl_doc;
  *err_key = tls_key;
  if (!LookupDocument(lookup, tls_key, &tls_doc, err) ||
      !TlsSettings::Parse(tls_key, tls_doc.root(), &out->tls, err)) {
    return false;
  }
  if (out->tls.enabled) {
    out->context = TlsContext::Create(tls_key, out->tls, err);
    if (!out->context) return false;
  }
  *err_key = acl_key;
  return LookupDocument(lookup, acl_key, &acl_doc, err) &&
         AccessList::Parse(acl_key, acl_doc.root(), &out->acl, err);
}

void ValidateListenerSecurity(const phpeek::v1::ConfigCheck& config, std::string_view prefix) {
  json::Document whole;
  std::string parse_err;
  if (!whole.Parse(config.json(), &parse_err)) return;  // the host made it: cannot happen
  const json::Value global = whole.root()["global"];
  // Each key on its own, so that a bad api_tls does not hide a bad api_acl.
  for (const char* suffix : {"_tls", "_acl"}) {
    const std::string only = std::string(prefix) + suffix;
    const JsonLookup lookup = [&global, &only](const std::string& key, std::string* text,
                                               std::string*) {
      const json::Value v = global[key];
      if (key != only || v.missing()) return false;
      *text = std::string(v.text());
      return true;
    };
    ListenerSecuritySettings settings;
    std::string key;
    std::string err;
    if (!ReadListenerSecurity(lookup, prefix, &settings, &key, &err)) config.error(key, err);
  }
}

bool ListenerSecurity::Load(const JsonLookup& lookup, std::string_view prefix, std::string* err) {
  prefix_ = std::string(prefix);
  ListenerSecuritySettings s;
  std::string key;
  if (!ReadListenerSecurity(lookup, prefix_, &s, &key, err)) return false;
  tls_enabled_ = s.tls.enabled;
  std::lock_guard<std::mutex> lock(mu_);
  context_ = std::move(s.context);
  acl_ = std::make_shared<const AccessList>(std::move(s.acl));
  return true;
}

bool ListenerSecurity::Reload(const JsonLookup& lookup, std::string* err, std::string* note) {
  note->clear();
  ListenerSecuritySettings s;
  std::string key;
  if (!ReadListenerSecurity(lookup, prefix_, &s, &key, err)) return false;
  if (s.tls.enabled != tls_enabled_) {
    *note = "global." + prefix_ + "_tls.enabled changed by reload: it takes effect only after a " +
            "daemon restart (the listener keeps speaking " + scheme() + ")";
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (s.context) context_ = std::move(s.context);
  acl_ = std::make_shared<const AccessList>(std::move(s.acl));
  return true;
}

std::shared_ptr<const TlsContext> ListenerSecurity::Context() const {
  std::lock_guard<std::mutex> lock(mu_);
  return context_;
}

std::shared_ptr<const AccessList> ListenerSecurity::Acl() const {
  std::lock_guard<std::mutex> lock(mu_);
  return acl_;
}

std::function<std::unique_ptr<http::Transport>(int fd)> ListenerSecurity::TransportFactory() {
  if (!tls_enabled_) return nullptr;
  return [this](int fd) -> std::unique_ptr<http::Transport> {
    return std::make_unique<TlsTransport>(fd, Context());
  };
}

std::string ListenerSecurity::ClientOf(const http::HttpRequest& request) const {
  const std::shared_ptr<const AccessList> acl = Acl();
  std::string client;
  std::string why;
  if (!acl || !acl->ClientAddress(request.peer, ForwardedFor(request), &client, &why)) {
    return request.peer;
  }
  return client;
}

std::optional<http::HttpResponse> ListenerSecurity::Screen(const http::HttpRequest& request,
                                                           std::string* client_out) const {
  const std::shared_ptr<const AccessList> acl = Acl();
  std::string client = request.peer;
  std::string why;
  if (acl && acl->enabled() &&
      !acl->ClientAddress(request.peer, ForwardedFor(request), &client, &why)) {
    if (client_out) *client_out = request.peer;
    return Forbidden(why);
  }
  if (client_out) *client_out = client;
  if (!acl || acl->Allows(client)) return std::nullopt;
  return Forbidden("the client address " + client + " is not allowed by " + prefix_ + "_acl");
}

}  // namespace phpeek::security
