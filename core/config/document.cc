#include "core/config/document.h"

namespace phpeek::config {

const char* DescribeKind(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull: return "nothing";
    case Node::Kind::kScalar: return "a value";
    case Node::Kind::kSequence: return "a list";
    case Node::Kind::kMap: return "a map";
  }
  return "nothing";
}

}  // namespace phpeek::config
