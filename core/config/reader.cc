#include "core/config/reader.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/config/byte_size.h"
#include "core/config/duration.h"
#include "core/config/substitution.h"

namespace phpeek::config {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Digits with an optional sign; no fraction, no exponent, no spaces. Huge values saturate (far
// outside every allowed range, so the range check reports them).
bool ParseInteger(const std::string& text, int64_t* out) {
  constexpr int64_t kSaturated = int64_t{1} << 60;
  size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  if (i == text.size()) return false;
  int64_t value = 0;
  for (size_t k = i; k < text.size(); ++k) {
    if (!std::isdigit(static_cast<unsigned char>(text[k]))) return false;
    value = value < kSaturated / 10 ? value * 10 + (text[k] - '0') : kSaturated;
  }
  *out = text[0] == '-' ? -value : value;
  return true;
}

}  // namespace

std::string JoinPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string ItemPath(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

Reader::Reader(std::string file, const std::map<std::string, std::string>& env,
               Diagnostics* diagnostics)
    : file_(std::move(file)), env_(env), diagnostics_(diagnostics) {}

void Reader::Add(Severity severity, SourcePos pos, const std::string& path,
                 const std::string& message, const std::string& hint) {
  diagnostics_->push_back({severity, file_, pos, path, message, hint});
}

void Reader::Error(SourcePos pos, const std::string& path, const std::string& message,
                   const std::string& hint) {
  Add(Severity::kError, pos, path, message, hint);
}

void Reader::Warning(SourcePos pos, const std::string& path, const std::string& message,
                     const std::string& hint) {
  Add(Severity::kWarning, pos, path, message, hint);
}

void Reader::UnknownKey(SourcePos pos, const std::string& path, const std::string& message,
                        const std::string& hint) {
  Warning(pos, path, message, hint);
  diagnostics_->back().unknown_key = true;
}

void Reader::ValueError(const Node& node, const std::string& path, const std::string& message,
                        const std::string& hint) {
  if (node.env_origin.empty()) {
    Error(node.pos, path, message, hint);
  } else {
    Error(node.pos, path, "environment variable " + node.env_origin + ": " + message, hint);
  }
}

bool Reader::ExpectScalar(const Node& node, const std::string& path, const char* what) {
  if (node.IsScalar()) return true;
  ValueError(node, path, std::string("expected ") + what + ", got " + DescribeKind(node));
  return false;
}

bool Reader::Text(const Node& node, const std::string& path, std::string* out) {
  if (!ExpectScalar(node, path, "a value")) return false;
  if (!node.env_origin.empty() || !NeedsSubstitution(node.scalar)) {
    *out = node.scalar;
    return true;
  }
  std::string err;
  if (!Substitute(node.scalar, env_, out, &err)) {
    ValueError(node, path, err, "set it, give a default with ${NAME:-default}, or write $$ for $");
    return false;
  }
  return true;
}

bool Reader::Bool(const Node& node, const std::string& path, bool* out) {
  std::string text;
  if (!ExpectScalar(node, path, "true or false") || !Text(node, path, &text)) return false;
  const std::string v = Lower(text);
  if (v == "true" || v == "yes" || v == "on") {
    *out = true;
  } else if (v == "false" || v == "no" || v == "off") {
    *out = false;
  } else {
    ValueError(node, path, "expected true or false, got '" + text + "'");
    return false;
  }
  return true;
}

bool Reader::Int(const Node& node, const std::string& path, int64_t min, int64_t max,
                 int64_t* out) {
  std::string text;
  if (!ExpectScalar(node, path, "an integer") || !Text(node, path, &text)) return false;
  int64_t value = 0;
  if (!ParseInteger(text, &value)) {
    ValueError(node, path, "expected an integer, got '" + text + "'");
    return false;
  }
  if (value < min || value > max) {
    ValueError(
        node, path,
        "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
    return false;
  }
  *out = value;
  return true;
}

bool Reader::Int(const Node& node, const std::string& path, int min, int max, int* out) {
  int64_t value = 0;
  if (!Int(node, path, int64_t{min}, int64_t{max}, &value)) return false;
  *out = static_cast<int>(value);
  return true;
}

bool Reader::Duration(const Node& node, const std::string& path, std::chrono::milliseconds* out) {
  std::string text;
  if (!ExpectScalar(node, path, "a duration") || !Text(node, path, &text)) return false;
  std::string err;
  if (!ParseDuration(text, out, &err)) {
    ValueError(node, path, "invalid duration '" + text + "': " + err,
               "use seconds (30) or a number with unit: 500ms, 5s, 1m30s, 1h");
    return false;
  }
  return true;
}

bool Reader::Bytes(const Node& node, const std::string& path, int64_t* out) {
  std::string text;
  if (!ExpectScalar(node, path, "a byte size") || !Text(node, path, &text)) return false;
  std::string err;
  int64_t bytes = 0;
  if (!ParseByteSize(text, &bytes, &err)) {
    ValueError(node, path, "invalid size '" + text + "': " + err,
               "a number of bytes, or one with a unit: 64KiB, 64K, 1MiB, 1MB (x1024)");
    return false;
  }
  *out = bytes;
  return true;
}

bool Reader::ChoiceIndex(const Node& node, const std::string& path,
                         const std::vector<std::string>& names, size_t* index) {
  std::string text;
  if (!ExpectScalar(node, path, "one of the allowed values") || !Text(node, path, &text)) {
    return false;
  }
  const auto it = std::find(names.begin(), names.end(), text);
  if (it != names.end()) {
    *index = static_cast<size_t>(it - names.begin());
    return true;
  }
  std::string allowed;
  for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
  const std::string closest = Closest(text, names);
  ValueError(node, path, "'" + text + "' is not one of: " + allowed,
             closest.empty() ? "" : "did you mean '" + closest + "'?");
  return false;
}

bool Reader::StringList(const Node& node, const std::string& path, std::vector<std::string>* out,
                        std::vector<SourcePos>* positions) {
  if (node.IsNull()) return true;
  if (!node.IsSequence()) {
    ValueError(node, path, std::string("expected a list, got ") + DescribeKind(node),
               "write [a, b] or one '- item' per line");
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < node.items.size(); ++i) {
    std::string value;
    if (!Text(*node.items[i], ItemPath(path, i), &value)) {
      ok = false;
      continue;
    }
    out->push_back(value);
    if (positions) positions->push_back(node.items[i]->pos);
  }
  return ok;
}

}  // namespace phpeek::config

namespace phpeek::config {

bool Reader::Map(const Node& node, const std::string& path, const std::vector<KeyHandler>& handlers,
                 const std::vector<CompatKey>& compat, const UnknownFn& on_unknown) {
  if (node.IsNull()) return true;
  if (!node.IsMap()) {
    ValueError(node, path, std::string("expected a map of keys, got ") + DescribeKind(node));
    return false;
  }
  if (map_observer_) map_observer_(path, handlers, compat, handlers.empty() && on_unknown);
  std::vector<std::string> known;
  for (const auto& h : handlers) known.emplace_back(h.key);
  std::map<std::string, SourcePos> seen;
  for (const auto& entry : node.entries) {
    const std::string key_path = JoinPath(path, entry.key);
    const auto [first, inserted] = seen.emplace(entry.key, entry.key_pos);
    if (!inserted) {
      Error(entry.key_pos, key_path,
            "duplicate key '" + entry.key + "' (first defined at line " +
                std::to_string(first->second.line) + ")",
            "remove one of them: YAML keeps only one");
      continue;
    }
    const auto h = std::find_if(handlers.begin(), handlers.end(),
                                [&](const KeyHandler& k) { return entry.key == k.key; });
    if (h != handlers.end()) {
      h->read(*entry.value, key_path);
      continue;
    }
    const auto c = std::find_if(compat.begin(), compat.end(),
                                [&](const CompatKey& k) { return entry.key == k.key; });
    if (c != compat.end()) {
      Warning(entry.key_pos, key_path, c->message);
      continue;
    }
    const std::string closest = Closest(entry.key, known);
    if (on_unknown) {
      on_unknown(entry, closest);
    } else {
      UnknownKey(entry.key_pos, key_path, "unknown key '" + entry.key + "' is ignored",
                 closest.empty() ? "" : "did you mean '" + closest + "'?");
    }
  }
  return true;
}

}  // namespace phpeek::config
