#include "core/config/key_schema.h"

#include <algorithm>

#include "core/config/typed_value.h"

namespace phpeek::config {
namespace {

constexpr size_t kMaxName = 64;
constexpr size_t kMaxHelp = 1024;
constexpr size_t kMaxAllowed = 64;

bool HasRange(KeyType type) {
  return type != KeyType::kBool && type != KeyType::kEnum && type != KeyType::kObject &&
         type != KeyType::kUntyped;
}

}  // namespace

const char* ToString(KeyType type) {
  switch (type) {
    case KeyType::kUntyped:
      return "untyped";
    case KeyType::kString:
      return "string";
    case KeyType::kInt:
      return "int";
    case KeyType::kBool:
      return "bool";
    case KeyType::kDuration:
      return "duration";
    case KeyType::kBytes:
      return "bytes";
    case KeyType::kAddress:
      return "address";
    case KeyType::kPath:
      return "path";
    case KeyType::kEnum:
      return "enum";
    case KeyType::kList:
      return "list";
    case KeyType::kObject:
      return "object";
  }
  return "untyped";
}

bool IsValidKeyName(const std::string& name) {
  if (name.empty() || name.size() > kMaxName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string CheckKeySchema(const KeySchema& key) {
  if (!IsValidKeyName(key.name)) return "name must be [a-z0-9_]+, at most 64 characters";
  if (key.type == KeyType::kUntyped) return "";
  if (key.help.empty() || key.help.size() > kMaxHelp || key.help.find('\n') != std::string::npos) {
    return "help must be one line of 1 to 1024 characters";
  }
  if ((key.min || key.max) && !HasRange(key.type)) {
    return std::string("a ") + ToString(key.type) + " key has no range";
  }
  if (key.min && key.max && *key.min > *key.max) return "min is above max";
  const bool count =
      key.type != KeyType::kInt && key.type != KeyType::kDuration && key.type != KeyType::kBytes;
  if (count && ((key.min && *key.min < 0) || (key.max && *key.max < 0))) {
    return "a length or item count cannot be negative";
  }
  if (key.type == KeyType::kEnum) {
    if (key.allowed.empty() || key.allowed.size() > kMaxAllowed) {
      return "an enum needs 1 to 64 allowed values";
    }
    for (const auto& a : key.allowed) {
      if (a.empty() || a.size() > kMaxName) return "allowed values must be 1 to 64 characters";
    }
  } else if (!key.allowed.empty()) {
    return "only an enum has allowed values";
  }
  std::string json, err;
  if (!DefaultJson(key, "/", &json, &err)) return err;
  return "";
}

}  // namespace phpeek::config
