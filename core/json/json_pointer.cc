#include "core/json/json_pointer.h"

#include <vector>

namespace phpeek::json {
namespace {

// Splits "/a/b~1c" into {"a", "b/c"}. False when the pointer is malformed.
bool SplitPointer(std::string_view pointer, std::vector<std::string>* tokens, std::string* err) {
  if (pointer.empty()) return true;
  if (pointer[0] != '/') {
    *err = "a JSON Pointer is empty or starts with '/'";
    return false;
  }
  std::string cur;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens->push_back(cur);
      cur.clear();
    } else if (pointer[i] == '~') {
      const char n = i + 1 < pointer.size() ? pointer[i + 1] : '\0';
      if (n != '0' && n != '1') {
        *err = "'~' must be followed by 0 or 1 in a JSON Pointer";
        return false;
      }
      cur.push_back(n == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(pointer[i]);
    }
  }
  return true;
}

// "0" or a digit string without leading zero; -1 otherwise (including "-", the append marker).
long ArrayIndex(const std::string& token) {
  if (token.empty() || token.size() > 9) return -1;
  if (token.size() > 1 && token[0] == '0') return -1;
  long v = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// "'/a/b' does not exist": the pointer's first `depth` tokens, then why the walk stopped there.
std::string Miss(const std::vector<std::string>& tokens, size_t depth, const char* why) {
  std::string prefix;
  for (size_t i = 0; i < depth; ++i) prefix += "/" + tokens[i];
  return "'" + (prefix.empty() ? std::string("(root)") : prefix) + "' " + why;
}

// The child of `v` named by `token`; missing with the reason in `why`.
Value Step(const Value& v, const std::string& token, const char** why) {
  if (v.is_object()) {
    const Value child = v[token];
    if (child.missing()) *why = "does not exist";
    return child;
  }
  if (!v.is_array()) {
    *why = "is not an object or array";
    return Value();
  }
  const long index = ArrayIndex(token);
  if (index < 0) {
    *why = "is not an array index";
  } else if (static_cast<size_t>(index) >= v.size()) {
    *why = "is past the end of the array";
  } else {
    return v[static_cast<size_t>(index)];
  }
  return Value();
}

}  // namespace

LookupStatus Resolve(const Value& root, std::string_view pointer, Value* out, std::string* err) {
  std::vector<std::string> tokens;
  if (!SplitPointer(pointer, &tokens, err)) return LookupStatus::kBadPointer;
  Value v = root;
  for (size_t depth = 0; depth < tokens.size(); ++depth) {
    const char* why = "";
    const Value child = Step(v, tokens[depth], &why);
    if (child.missing()) {
      // A scalar names itself; a missing member or element names the token that missed.
      const bool container = v.is_object() || v.is_array();
      *err = Miss(tokens, container ? depth + 1 : depth, why);
      return LookupStatus::kNotFound;
    }
    v = child;
  }
  *out = v;
  return LookupStatus::kFound;
}

Lookup FindPointer(std::string_view document, std::string_view pointer) {
  Lookup out;
  Document doc;
  if (!doc.Parse(document, &out.error, kPointerDocumentOptions)) {
    out.status = LookupStatus::kBadDocument;
    return out;
  }
  Value found;
  out.status = Resolve(doc.root(), pointer, &found, &out.error);
  if (out.status != LookupStatus::kFound) return out;
  // The Document holds a copy of `document` at the same offsets: answer with a view of the
  // caller's text, which outlives this function.
  out.value = document.substr(found.offset(), found.text().size());
  out.kind = found.kind();
  ScalarText(found, &out.scalar);
  return out;
}

bool ScalarText(const Value& value, std::string* out) {
  switch (value.kind()) {
    case Kind::kObject:
    case Kind::kArray:
      return false;
    case Kind::kString:
      out->assign(value.AsString().value);
      return true;
    case Kind::kNull:
      out->clear();
      return true;
    default:
      out->assign(value.text());
      return true;
  }
}

bool ScalarText(const Lookup& found, std::string* out) {
  if (found.status != LookupStatus::kFound || found.kind == Kind::kObject ||
      found.kind == Kind::kArray) {
    return false;
  }
  *out = found.scalar;
  return true;
}

}  // namespace phpeek::json
