// A parsed JSON document (RFC 8259) as a small tree, for the few places in the core that read JSON:
// JSON Pointer lookups in the `global:` block and the API client's answers. Every value keeps a
// view of its own text in the document, so the document must outlive the tree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::json {

enum class ValueKind { kObject, kArray, kString, kNumber, kBool, kNull };

class Value {
 public:
  using Member = std::pair<std::string, Value>;

  ValueKind kind() const { return kind_; }
  bool is_object() const { return kind_ == ValueKind::kObject; }
  bool is_array() const { return kind_ == ValueKind::kArray; }
  // The value's JSON text, a view into the parsed document.
  std::string_view text() const { return text_; }

  // kString: the decoded (UTF-8) string; empty for other kinds.
  const std::string& string() const { return string_; }
  // kBool: the value; false for other kinds.
  bool boolean() const { return kind_ == ValueKind::kBool && text_ == "true"; }
  // kNumber without fraction or exponent that fits int64_t; false otherwise.
  bool ToInt64(int64_t* out) const;

  // kArray: the elements; kObject: the members in document order. Empty for other kinds.
  const std::vector<Value>& items() const { return items_; }
  const std::vector<Member>& members() const { return members_; }
  // The member named `key` (the last one when a key repeats); nullptr when absent or not an object.
  const Value* Find(std::string_view key) const;

  // Member conveniences for reading records: `fallback` when absent or of another type.
  std::string StringOr(std::string_view key, const std::string& fallback) const;
  int64_t IntOr(std::string_view key, int64_t fallback) const;

 private:
  friend class Parser;

  ValueKind kind_ = ValueKind::kNull;
  std::string_view text_;
  std::string string_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

// Parses a whole document (surrounding whitespace allowed, nothing else). On failure `err` says
// what is wrong and at which byte offset. Nesting deeper than 512 levels is refused.
bool Parse(std::string_view document, Value* out, std::string* err);

}  // namespace phpeek::json
