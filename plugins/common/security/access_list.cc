#include "plugins/common/security/access_list.h"

#include <algorithm>

namespace phpeek::security {
namespace {

std::string_view TrimAclSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ReadAclBool(const std::string& where, const json::Value& v, bool* out, std::string* err) {
  if (v.missing()) return true;
  const json::Read<bool> r = v.AsBool();
  if (!r.ok()) {
    *err = where + ": expected true or false";
    return false;
  }
  *out = r.value;
  return true;
}

bool ReadNetworks(const std::string& where, const json::Value& v, std::vector<IpNetwork>* out,
                  std::string* err) {
  if (v.missing()) return true;
  if (!v.is_array()) {
    *err = where + ": expected a list of IP addresses and networks (CIDR)";
    return false;
  }
  size_t index = 0;
  for (const json::Value item : v.items()) {
    const std::string at = where + "[" + std::to_string(index++) + "]";
    const json::Read<std::string_view> text = item.AsString();
    IpNetwork network;
    std::string why;
    if (!text.ok()) {
      *err = at + ": expected an IP address or network such as 10.0.0.0/8";
      return false;
    }
    if (!ParseIpNetwork(TrimAclSpace(text.value), &network, &why)) {
      *err = at + ": invalid address or CIDR '" + std::string(text.value) + "': " + why;
      return false;
    }
    out->push_back(network);
  }
  return true;
}

bool InAny(const std::vector<IpNetwork>& networks, const IpAddress& a) {
  return std::any_of(networks.begin(), networks.end(),
                     [&](const IpNetwork& n) { return n.Contains(a); });
}

}  // namespace

bool AccessList::Parse(std::string_view key, const json::Value& value, AccessList* out,
                       std::string* err) {
  *out = AccessList();
  if (value.missing() || value.is_null()) return true;
  const std::string k(key);
  if (!value.is_object()) {
    *err = k + ": expected a map with enabled, mode, allow_list, deny_list, trust_proxy";
    return false;
  }
  for (const json::Member m : value.members()) {
    if (m.key != "enabled" && m.key != "mode" && m.key != "allow_list" && m.key != "deny_list" &&
        m.key != "trust_proxy") {
      *err = k + "." + std::string(m.key) +
             ": unknown member (known: enabled, mode, allow_list, deny_list, trust_proxy)";
      return false;
    }
  }
  if (!ReadAclBool(k + ".enabled", value["enabled"], &out->enabled_, err) ||
      !ReadAclBool(k + ".trust_proxy", value["trust_proxy"], &out->trust_proxy_, err) ||
      !ReadNetworks(k + ".allow_list", value["allow_list"], &out->allow_, err) ||
      !ReadNetworks(k + ".deny_list", value["deny_list"], &out->deny_, err)) {
    return false;
  }
  if (const json::Value mode = value["mode"]; !mode.missing()) {
    const std::string_view word = mode.AsString().value_or("");
    if (word != "allow" && word != "deny") {
      *err = k + ".mode: expected allow or deny";
      return false;
    }
    out->mode_ = word == "allow" ? Mode::kAllow : Mode::kDeny;
  }
  if (out->enabled_ && out->mode_ == Mode::kAllow && out->allow_.empty()) {
    *err = k + ".allow_list: empty with mode allow, which would refuse every client";
    return false;
  }
  return true;
}

bool AccessList::ClientAddress(std::string_view peer, std::string_view forwarded_for,
                               std::string* client, std::string* why) const {
  *client = std::string(peer);
  if (!trust_proxy_ || forwarded_for.empty() || peer.empty()) return true;
  const size_t comma = forwarded_for.rfind(',');
  const std::string_view last = TrimAclSpace(
      comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
  IpAddress a;
  if (!ParseIpAddress(last, &a)) {
    *why = "X-Forwarded-For does not end with an IP address";
    return false;
  }
  *client = IpAddressText(a);
  return true;
}

bool AccessList::Allows(std::string_view client) const {
  if (!enabled_ || client.empty()) return true;
  IpAddress a;
  if (!ParseIpAddress(client, &a)) return false;
  return mode_ == Mode::kAllow ? InAny(allow_, a) : !InAny(deny_, a);
}

}  // namespace phpeek::security
