#include "core/config/typed_value.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <map>
#include <memory>

#include "core/config/byte_size.h"
#include "core/config/config_json.h"
#include "core/config/duration.h"
#include "core/config/overrides.h"
#include "core/config/relative_path.h"

namespace phpeek::config {
namespace {

using Format = std::string (*)(int64_t);

std::string Plain(int64_t v) { return std::to_string(v); }
std::string Millis(int64_t v) { return FormatDuration(std::chrono::milliseconds(v)); }

// The declared range, in the words of the core's own range errors.
bool InRange(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
             int64_t value, const std::string& written, Format format) {
  const bool low = key.min && value < *key.min;
  const bool high = key.max && value > *key.max;
  if (!low && !high) return true;
  std::string rule;
  if (key.min && key.max) {
    rule = "must be between " + format(*key.min) + " and " + format(*key.max);
  } else if (key.min) {
    rule = "must be at least " + format(*key.min);
  } else {
    rule = "must be at most " + format(*key.max);
  }
  r.ValueError(node, path, rule + ", got " + written);
  return false;
}

// Length of text, or number of items: "must be at least 1 character(s) long".
// The value's text after substitution, for messages ("got 70000"); substitution problems are
// reported by the typed read itself.
std::string Written(Reader& r, const Node& node, const std::string& path) {
  Diagnostics ignored;
  Reader quiet(r.file(), r.env(), &ignored);
  std::string text;
  return quiet.Text(node, path, &text) ? text : node.scalar;
}

bool LengthInRange(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                   size_t length, const char* unit) {
  const auto n = static_cast<int64_t>(length);
  if ((!key.min || n >= *key.min) && (!key.max || n <= *key.max)) return true;
  if (key.min && *key.min == 1 && n == 0 && std::string(unit) == "characters") {
    r.ValueError(node, path, "must not be empty");
    return false;
  }
  std::string rule = key.min && n < *key.min ? "at least " + std::to_string(*key.min)
                                             : "at most " + std::to_string(*key.max);
  r.ValueError(node, path, "must have " + rule + " " + unit + ", has " + std::to_string(length));
  return false;
}

bool WriteInt(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
              json::Writer* out) {
  int64_t v = 0;
  if (key.min && key.max) {
    // The core's own wording for a range: "must be between 0 and 65535, got 70000".
    if (!r.Int(node, path, *key.min, *key.max, &v)) return false;
  } else if (!r.Int(node, path, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max(), &v) ||
             !InRange(r, node, path, key, v, Written(r, node, path), &Plain)) {
    return false;
  }
  out->Int(v);
  return true;
}

bool WriteDuration(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                   json::Writer* out) {
  std::chrono::milliseconds v{0};
  if (!r.Duration(node, path, &v) ||
      !InRange(r, node, path, key, v.count(), Written(r, node, path), &Millis)) {
    return false;
  }
  out->Int(v.count());
  return true;
}

bool WriteBytes(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                json::Writer* out) {
  int64_t v = 0;
  if (!r.Bytes(node, path, &v) ||
      !InRange(r, node, path, key, v, Written(r, node, path), &FormatByteSize)) {
    return false;
  }
  out->Int(v);
  return true;
}

bool WriteString(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                 json::Writer* out) {
  std::string text;
  if (!r.Text(node, path, &text) || !LengthInRange(r, node, path, key, text.size(), "characters")) {
    return false;
  }
  out->String(text);
  return true;
}

bool WriteAddress(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                  json::Writer* out) {
  std::string text, normal, err;
  if (!r.Text(node, path, &text)) return false;
  if (!ParseAddress(text, &normal, &err)) {
    r.ValueError(node, path, err,
                 "a host name or an IP address without a port: 127.0.0.1, ::1, "
                 "0.0.0.0, localhost");
    return false;
  }
  if (!LengthInRange(r, node, path, key, normal.size(), "characters")) return false;
  out->String(normal);
  return true;
}

bool WritePath(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
               const std::string& config_path, json::Writer* out) {
  std::string text;
  if (!r.Text(node, path, &text)) return false;
  if (text.empty()) {
    r.ValueError(node, path, "must not be empty");
    return false;
  }
  if (text.find('\0') != std::string::npos) {
    r.ValueError(node, path, "must not contain a NUL byte");
    return false;
  }
  const std::string resolved = ResolveFromConfig(text, config_path);
  const auto n = static_cast<int64_t>(resolved.size());
  if ((key.min && n < *key.min) || (key.max && n > *key.max)) {
    const std::string rule = key.max && n > *key.max ? "at most " + std::to_string(*key.max)
                                                     : "at least " + std::to_string(*key.min);
    r.ValueError(node, path,
                 "'" + resolved + "' is " + std::to_string(n) + " bytes long, must be " + rule,
                 text == resolved ? ""
                                  : "relative paths are taken from the configuration file's "
                                    "folder; write a shorter absolute path");
    return false;
  }
  out->String(resolved);
  return true;
}

bool WriteEnum(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
               json::Writer* out) {
  size_t index = 0;
  if (!r.ChoiceIndex(node, path, key.allowed, &index)) return false;
  out->String(key.allowed[index]);
  return true;
}

bool WriteList(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
               json::Writer* out) {
  std::unique_ptr<Node> split;
  const Node* list = &node;
  if (node.IsScalar() && !node.env_origin.empty()) {
    split = ListFromText(node.scalar, node.env_origin, node.pos);
    list = split.get();
  }
  std::vector<std::string> items;
  if (!r.StringList(*list, path, &items) ||
      !LengthInRange(r, node, path, key, items.size(), "items")) {
    return false;
  }
  out->BeginArray();
  for (const auto& item : items) out->String(item);
  out->EndArray();
  return true;
}

bool WriteObject(Reader& r, const Node& node, const std::string& path, json::Writer* out) {
  if (!node.env_origin.empty()) {
    r.ValueError(node, path, "an object cannot be set from the environment", "set it in the file");
    return false;
  }
  if (node.IsNull()) {
    out->BeginObject().EndObject();
    return true;
  }
  if (!node.IsMap()) {
    r.ValueError(node, path, std::string("expected a map of keys, got ") + DescribeKind(node));
    return false;
  }
  WriteAsWritten(r, node, path, out);
  return true;
}

bool IsHostNameLabel(const std::string& label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  return std::all_of(label.begin(), label.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

bool IsHostName(const std::string& text) {
  if (text.size() > 253) return false;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    if (!IsHostNameLabel(text.substr(start, dot - start))) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

bool ParseAddress(const std::string& text, std::string* normal, std::string* err) {
  if (text.empty()) {
    *err = "must not be empty";
    return false;
  }
  std::string host = text;
  const bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
  if (bracketed) host = text.substr(1, text.size() - 2);
  unsigned char buf[sizeof(struct in6_addr)];
  if (host.find(':') != std::string::npos) {
    if (inet_pton(AF_INET6, host.c_str(), buf) == 1) {
      *normal = host;
      return true;
    }
    const size_t colon = text.rfind(':');
    const bool has_port = text.find(':') == colon || text.find("]:") != std::string::npos;
    *err = has_port ? "'" + text + "' has a port: give the host only (the port is a key apart)"
                    : "'" + text + "' is not a valid IPv6 address";
    return false;
  }
  if (bracketed) {
    *err = "'" + text + "' is not a valid IPv6 address";
    return false;
  }
  const bool numeric = std::all_of(host.begin(), host.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
  });
  if (numeric ? inet_pton(AF_INET, host.c_str(), buf) == 1 : IsHostName(host)) {
    *normal = host;
    return true;
  }
  *err = numeric ? "'" + text + "' is not a valid IPv4 address"
                 : "'" + text + "' is not a host name or IP address";
  return false;
}

bool WriteTypedValue(Reader& r, const Node& node, const std::string& path, const KeySchema& key,
                     const std::string& config_path, json::Writer* out) {
  switch (key.type) {
    case KeyType::kUntyped:
      WriteAsWritten(r, node, path, out);
      return true;
    case KeyType::kString:
      return WriteString(r, node, path, key, out);
    case KeyType::kInt:
      return WriteInt(r, node, path, key, out);
    case KeyType::kBool: {
      bool v = false;
      if (!r.Bool(node, path, &v)) return false;
      out->Bool(v);
      return true;
    }
    case KeyType::kDuration:
      return WriteDuration(r, node, path, key, out);
    case KeyType::kBytes:
      return WriteBytes(r, node, path, key, out);
    case KeyType::kAddress:
      return WriteAddress(r, node, path, key, out);
    case KeyType::kPath:
      return WritePath(r, node, path, key, config_path, out);
    case KeyType::kEnum:
      return WriteEnum(r, node, path, key, out);
    case KeyType::kList:
      return WriteList(r, node, path, key, out);
    case KeyType::kObject:
      return WriteObject(r, node, path, out);
  }
  return false;
}

bool IsUnsetValue(Reader& r, const Node& node, const std::string& path, const KeySchema& key) {
  if (!key.empty_is_unset) return false;
  if (node.IsNull()) return true;
  return node.IsScalar() && Written(r, node, path).empty();
}

bool DefaultJson(const KeySchema& key, const std::string& config_path, std::string* json,
                 std::string* err) {
  json->clear();
  if (!key.default_text) return true;
  if (key.type == KeyType::kObject) {
    *err = "an object key cannot have a default";
    return false;
  }
  static const std::map<std::string, std::string> kNoEnvironment;
  Diagnostics problems;
  Reader r("", kNoEnvironment, &problems);
  std::unique_ptr<Node> node;
  if (key.type == KeyType::kList) {
    node = ListFromText(*key.default_text, "", {});
  } else {
    node = std::make_unique<Node>();
    node->kind = Node::Kind::kScalar;
    node->scalar = *key.default_text;
  }
  if (key.empty_is_unset && key.default_text->empty()) return true;
  json::Writer w;
  if (!WriteTypedValue(r, *node, key.name, key, config_path, &w)) {
    *err = "default '" + *key.default_text +
           "': " + (problems.empty() ? std::string("invalid") : problems.front().message);
    return false;
  }
  *json = w.Take();
  return true;
}

}  // namespace phpeek::config
