#include "plugins/common/security/tls_settings.h"

namespace phpeek::security {
namespace {

constexpr int kTls12 = 0x0303;
constexpr int kTls13 = 0x0304;

bool ReadTlsText(const std::string& where, const json::Value& v, std::string* out,
                 std::string* err) {
  if (v.missing()) return true;
  const json::Read<std::string_view> r = v.AsString();
  if (!r.ok()) {
    *err = where + ": expected a string";
    return false;
  }
  *out = std::string(r.value);
  return true;
}

bool ReadTlsPath(const std::string& where, const json::Value& v, std::string* out,
                 std::string* err) {
  if (!ReadTlsText(where, v, out, err)) return false;
  if (!out->empty() && out->front() != '/') {
    *err = where + ": '" + *out + "' must be an absolute path";
    return false;
  }
  return true;
}

bool ParseClientAuth(std::string_view word, ClientAuth* out) {
  if (word == "none")
    *out = ClientAuth::kNone;
  else if (word == "request")
    *out = ClientAuth::kRequest;
  else if (word == "require")
    *out = ClientAuth::kRequire;
  else if (word == "verify")
    *out = ClientAuth::kVerify;
  else
    return false;
  return true;
}

bool ParseMinVersion(std::string_view word, int* out) {
  if (word.size() > 3 && (word.substr(0, 3) == "TLS" || word.substr(0, 3) == "tls")) {
    word.remove_prefix(word[3] == 'v' || word[3] == 'V' || word[3] == ' ' ? 4 : 3);
  }
  if (word == "1.2")
    *out = kTls12;
  else if (word == "1.3")
    *out = kTls13;
  else
    return false;
  return true;
}

std::string ScalarText(const json::Value& v) {
  if (const json::Read<std::string_view> s = v.AsString(); s.ok()) return std::string(s.value);
  return std::string(v.text());  // 1.2 written without quotes arrives as a number
}

bool CheckTlsMembers(const std::string& k, const json::Value& value, std::string* err) {
  for (const json::Member m : value.members()) {
    if (m.key != "enabled" && m.key != "cert_file" && m.key != "key_file" && m.key != "ca_file" &&
        m.key != "client_auth" && m.key != "min_version") {
      *err = k + "." + std::string(m.key) +
             ": unknown member (known: enabled, cert_file, key_file, ca_file, client_auth, "
             "min_version)";
      return false;
    }
  }
  return true;
}

}  // namespace

bool TlsSettings::Parse(std::string_view key, const json::Value& value, TlsSettings* out,
                        std::string* err) {
  *out = TlsSettings();
  if (value.missing() || value.is_null()) return true;
  const std::string k(key);
  if (!value.is_object()) {
    *err = k +
           ": expected a map with enabled, cert_file, key_file, ca_file, client_auth, "
           "min_version";
    return false;
  }
  if (!CheckTlsMembers(k, value, err)) return false;
  if (const json::Value e = value["enabled"]; !e.missing()) {
    if (!e.AsBool().ok()) {
      *err = k + ".enabled: expected true or false";
      return false;
    }
    out->enabled = e.AsBool().value;
  }
  if (!ReadTlsPath(k + ".cert_file", value["cert_file"], &out->cert_file, err) ||
      !ReadTlsPath(k + ".key_file", value["key_file"], &out->key_file, err) ||
      !ReadTlsPath(k + ".ca_file", value["ca_file"], &out->ca_file, err)) {
    return false;
  }
  if (const json::Value a = value["client_auth"]; !a.missing()) {
    if (!ParseClientAuth(a.AsString().value_or(""), &out->client_auth)) {
      *err = k + ".client_auth: expected none, request, require or verify";
      return false;
    }
  }
  if (const json::Value v = value["min_version"]; !v.missing()) {
    if (!ParseMinVersion(ScalarText(v), &out->min_version)) {
      *err = k + ".min_version: expected \"1.2\" or \"1.3\", got '" + ScalarText(v) +
             "' (TLS 1.0 and 1.1 are never offered)";
      return false;
    }
  }
  if (!out->enabled) return true;
  if (out->cert_file.empty() || out->key_file.empty()) {
    *err = k + ": enabled needs cert_file and key_file";
    return false;
  }
  if (out->client_auth != ClientAuth::kNone && out->ca_file.empty()) {
    *err = k + ".client_auth: checking client certificates needs ca_file";
    return false;
  }
  return true;
}

}  // namespace phpeek::security
