#include "core/config/document.h"

namespace phpeek::config {

const char* DescribeKind(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull:
      return "nothing";
    case Node::Kind::kScalar:
      return "a value";
    case Node::Kind::kSequence:
      return "a list";
    case Node::Kind::kMap:
      return "a map";
  }
  return "nothing";
}

SourcePos KeyPosition(const Node& map, const std::string& key) {
  for (const MapEntry& e : map.entries) {
    if (e.key == key) return e.key_pos;
  }
  return {};
}

}  // namespace phpeek::config
