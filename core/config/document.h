// A parsed YAML document as a plain tree. yaml_loader.cc builds it from yaml-cpp's nodes so that
// the rest of the loader (typing, substitution, validation) never sees a yaml-cpp type, and every
// node keeps its 1-based source position for diagnostics.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config/diagnostic.h"

namespace phpeek::config {

struct Node;

// One `key: value` pair of a map, in file order. Duplicate keys are kept (yaml-cpp keeps them too)
// so that the loader can report them instead of silently using one.
struct MapEntry {
  std::string key;
  SourcePos key_pos;
  std::unique_ptr<Node> value;
};

struct Node {
  enum class Kind { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  SourcePos pos;
  std::string scalar;   // kScalar: the text as written (unescaped)
  bool quoted = false;  // kScalar: single- or double-quoted, so never a number/bool/null
  // Set when the value came from a PHPEEK_PM_GLOBAL_* variable instead of the file: diagnostics
  // name the variable, and no `${VAR}` substitution is applied to it.
  std::string env_origin;
  std::vector<std::unique_ptr<Node>> items;  // kSequence
  std::vector<MapEntry> entries;             // kMap

  bool IsNull() const { return kind == Kind::kNull; }
  bool IsScalar() const { return kind == Kind::kScalar; }
  bool IsSequence() const { return kind == Kind::kSequence; }
  bool IsMap() const { return kind == Kind::kMap; }
};

// "a map", "a list", "a value", "nothing": for "expected X, got Y" messages.
const char* DescribeKind(const Node& node);
// Where `key` is written in `map` (its first occurrence); 0:0 when it is not.
SourcePos KeyPosition(const Node& map, const std::string& key);

}  // namespace phpeek::config
