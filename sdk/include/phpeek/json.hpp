// A strict JSON reader (RFC 8259), header-only C++17 without dependencies: the host's answers
// (process_list, process_get, daemon_status, config_get_json, the config at init, detail_json of
// events) and anything else a plugin reads. It never throws: Parse reports "invalid JSON at byte
// N: ..." (printable ASCII and bounded whatever the input, so it can be passed on to a client) and
// every accessor says whether a value was there and of the asked type.
//
//   phpeek::json::Document doc;
//   std::string err;
//   if (!doc.Parse(text, &err)) return Error(err);
//   for (phpeek::json::Value p : doc.root()["processes"].items()) {
//     std::string_view name = p["name"].AsString().value_or("?");
//     phpeek::json::Read<int64_t> scale = p["scale"].AsInt64();
//     if (scale.missing()) ...; else if (!scale.ok()) ...;  // absent vs another type
//   }
//
// Strict: one value, whitespace around it; no trailing commas, comments, NaN/Infinity, leading
// zeros, lone surrogates (\ud800), control characters in strings, invalid UTF-8 (overlong forms,
// encoded surrogates, beyond U+10FFFF), byte order mark or duplicate object keys (found in
// O(n log n) per object). Nesting is limited (Options::max_depth, 64 by default); the parser is
// iterative, so no input can exhaust the stack. Documents up to 4 GiB.
//
// Lifetime: a Document owns a copy of its text. Values, ranges and string_views taken from it stay
// valid while the Document lives, across moves of the Document, until its next Parse.
#ifndef PHPEEK_JSON_HPP
#define PHPEEK_JSON_HPP

#if !defined(__cplusplus) || __cplusplus < 201703L
#error "phpeek/json.hpp needs C++17 or later (phpeek_add_plugin requires it for C++ plugins)"
#endif

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#if !defined(__cpp_lib_to_chars) || __cpp_lib_to_chars < 201611L
#include <cstdlib>
#include <locale>
#include <sstream>
#endif

namespace phpeek {
namespace json {

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "boolean", "number", "string", "array", "object".
inline const char* KindName(Kind kind) noexcept {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "value";
}

// What a typed read found.
enum class Found : uint8_t {
  kOk,
  kMissing,     // no such member or element (or the parent is not an object or array)
  kWrongType,   // present, of another kind (for AsInt64: also a number with fraction or exponent)
  kOutOfRange,  // a number that does not fit the asked type (int64_t, finite double)
};

inline const char* FoundName(Found found) noexcept {
  switch (found) {
    case Found::kOk:
      return "ok";
    case Found::kMissing:
      return "missing";
    case Found::kWrongType:
      return "wrong type";
    case Found::kOutOfRange:
      return "out of range";
  }
  return "unknown";
}

// The result of a typed read: the value when found == kOk, else T{}.
template <typename T>
struct Read {
  Found found = Found::kMissing;
  T value{};

  bool ok() const noexcept { return found == Found::kOk; }
  bool missing() const noexcept { return found == Found::kMissing; }
  T value_or(T fallback) const { return ok() ? value : fallback; }
};

struct Options {
  uint32_t max_depth = 64;  // arrays and objects nested deeper are refused
};

class Document;
class Array;
class Object;
struct Member;

namespace detail {

enum NodeFlag : uint8_t { kEscaped = 1, kInteger = 2 };

// One value in document order; a container's children follow it, an object's as key, value, ...
struct Node {
  uint32_t begin;    // byte offset of the value's text
  uint32_t length;   // length of the value's text
  uint32_t end;      // index of the first node after this value's subtree
  uint32_t count;    // containers: elements or members; strings: decoded length
  uint32_t decoded;  // strings with escapes: offset of the decoded text in Data::decoded
  Kind kind;
  uint8_t flags;
};

struct Data {
  std::string text;
  std::vector<Node> nodes;
  std::string decoded;  // decoded strings that had escapes, back to back

  std::string_view StringAt(const Node& n) const noexcept {
    if (n.flags & kEscaped) return std::string_view(decoded).substr(n.decoded, n.count);
    return std::string_view(text).substr(n.begin + 1, n.count);
  }
};

class Parser;

}  // namespace detail

// A handle to one value of a Document (or a missing one): two words, cheap to copy.
class Value {
 public:
  Value() = default;  // missing

  bool missing() const noexcept { return data_ == nullptr; }
  // The value's kind; kNull for a missing value (tell them apart with missing()).
  Kind kind() const noexcept { return data_ ? node().kind : Kind::kNull; }
  bool is_null() const noexcept { return data_ && node().kind == Kind::kNull; }
  bool is_bool() const noexcept { return data_ && node().kind == Kind::kBool; }
  bool is_number() const noexcept { return data_ && node().kind == Kind::kNumber; }
  bool is_string() const noexcept { return data_ && node().kind == Kind::kString; }
  bool is_array() const noexcept { return data_ && node().kind == Kind::kArray; }
  bool is_object() const noexcept { return data_ && node().kind == Kind::kObject; }

  // The value's exact JSON text and its byte offset in the parsed document ("" and 0 if missing).
  std::string_view text() const noexcept {
    return data_ ? std::string_view(data_->text).substr(node().begin, node().length)
                 : std::string_view();
  }
  size_t offset() const noexcept { return data_ ? node().begin : 0; }

  // Elements of an array or members of an object; 0 for anything else.
  size_t size() const noexcept;
  // The member named `key`, or a missing Value (also when this is not an object).
  Value operator[](std::string_view key) const noexcept;
  // Element `index` (linear in index: iterate items() to visit them all), or a missing Value.
  Value operator[](size_t index) const noexcept;

  Read<std::string_view> AsString() const noexcept;  // decoded UTF-8
  Read<int64_t> AsInt64() const noexcept;  // a number written without fraction or exponent
  Read<double> AsDouble() const noexcept;  // any number that is finite as a double
  Read<bool> AsBool() const noexcept;
  Read<Array> AsArray() const noexcept;
  Read<Object> AsObject() const noexcept;

  // Ranges for range-for; empty when this is not an array (an object).
  Array items() const noexcept;
  Object members() const noexcept;

 private:
  friend class Document;
  friend class Array;
  friend class Object;
  Value(const detail::Data* data, uint32_t index) noexcept : data_(data), index_(index) {}
  const detail::Node& node() const noexcept { return data_->nodes[index_]; }
  template <typename T>
  Read<T> Wrong() const noexcept {
    return Read<T>{data_ ? Found::kWrongType : Found::kMissing, T{}};
  }

  const detail::Data* data_ = nullptr;
  uint32_t index_ = 0;
};

// Walks sibling nodes: each step jumps over the current node's subtree.
class Array {
 public:
  class iterator {
   public:
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    Value operator*() const noexcept { return Value(data_, index_); }
    iterator& operator++() noexcept {
      index_ = data_->nodes[index_].end;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }
    bool operator!=(const iterator& o) const noexcept { return index_ != o.index_; }

   private:
    friend class Array;
    iterator(const detail::Data* data, uint32_t index) noexcept : data_(data), index_(index) {}
    const detail::Data* data_ = nullptr;
    uint32_t index_ = 0;
  };

  Array() = default;
  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  iterator begin() const noexcept { return iterator(data_, first_); }
  iterator end() const noexcept { return iterator(data_, end_); }
  Value operator[](size_t index) const noexcept {
    if (index >= count_) return Value();
    auto it = begin();
    while (index-- > 0) ++it;
    return *it;
  }

 private:
  friend class Value;
  const detail::Data* data_ = nullptr;
  uint32_t first_ = 0, end_ = 0, count_ = 0;
};

struct Member {
  std::string_view key;  // decoded
  Value value;
};

class Object {
 public:
  class iterator {
   public:
    using value_type = Member;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;
    iterator() = default;
    Member operator*() const noexcept {
      const detail::Node& key = data_->nodes[index_];
      return Member{data_->StringAt(key), Value(data_, index_ + 1)};
    }
    iterator& operator++() noexcept {
      index_ = data_->nodes[index_ + 1].end;
      return *this;
    }
    iterator operator++(int) noexcept {
      iterator old = *this;
      ++*this;
      return old;
    }
    bool operator==(const iterator& o) const noexcept { return index_ == o.index_; }
    bool operator!=(const iterator& o) const noexcept { return index_ != o.index_; }

   private:
    friend class Object;
    iterator(const detail::Data* data, uint32_t index) noexcept : data_(data), index_(index) {}
    const detail::Data* data_ = nullptr;
    uint32_t index_ = 0;
  };

  Object() = default;
  size_t size() const noexcept { return count_; }
  bool empty() const noexcept { return count_ == 0; }
  iterator begin() const noexcept { return iterator(data_, first_); }
  iterator end() const noexcept { return iterator(data_, end_); }
  // The member named `key`, or a missing Value. Linear in the number of members.
  Value Find(std::string_view key) const noexcept {
    for (uint32_t i = first_; i != end_; i = data_->nodes[i + 1].end) {
      if (data_->StringAt(data_->nodes[i]) == key) return Value(data_, i + 1);
    }
    return Value();
  }

 private:
  friend class Value;
  const detail::Data* data_ = nullptr;
  uint32_t first_ = 0, end_ = 0, count_ = 0;
};

// A parsed document: owns its text and the tree. Movable; not copyable.
class Document {
 public:
  Document() = default;
  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // Parses exactly one JSON value (whitespace around it allowed). On failure returns false,
  // leaves the Document empty (root() missing) and, when `err` is non-null, sets it to
  // "invalid JSON at byte N: what", N counting from 0. Values from an earlier Parse are invalid
  // afterwards (the buffers are reused).
  bool Parse(std::string_view text, std::string* err = nullptr,
             const Options& options = Options()) noexcept;

  // The top-level value; missing before a successful Parse.
  Value root() const noexcept {
    return data_ && !data_->nodes.empty() ? Value(data_.get(), 0) : Value();
  }

 private:
  std::unique_ptr<detail::Data> data_;
};

// ---- Implementation ---------------------------------------------------------------------------

namespace detail {

// Byte classes inside a string literal.
enum : uint8_t { kPlain = 0, kQuote = 1, kBackslash = 2, kControl = 3, kHigh = 4 };

struct StringClasses {
  uint8_t of[256];
  constexpr StringClasses() : of() {
    for (int c = 0; c < 256; ++c) {
      of[c] = c < 0x20    ? kControl
              : c == '"'  ? kQuote
              : c == '\\' ? kBackslash
              : c >= 0x80 ? kHigh
                          : kPlain;
    }
  }
};
inline constexpr StringClasses kStringClasses{};

// Length of the valid UTF-8 sequence starting with byte p[0] >= 0x80, or 0 (RFC 3629 table:
// no overlong forms, no encoded surrogates, nothing above U+10FFFF).
inline size_t Utf8Length(const unsigned char* p, size_t avail) noexcept {
  const unsigned char c = p[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < len || p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  }
  return len;
}

inline void AppendUtf8(uint32_t cp, std::string* out) {
  char buf[4];
  size_t n;
  if (cp < 0x80) {
    buf[0] = static_cast<char>(cp);
    n = 1;
  } else if (cp < 0x800) {
    buf[0] = static_cast<char>(0xC0 | (cp >> 6));
    buf[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    buf[0] = static_cast<char>(0xE0 | (cp >> 12));
    buf[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    buf[0] = static_cast<char>(0xF0 | (cp >> 18));
    buf[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  out->append(buf, n);
}

// Iterative: an explicit stack of open containers instead of recursion.
class Parser {
 public:
  Parser(Data* data, const Options& options)
      : d_(data), s_(data->text), t_(data->text.c_str()), max_depth_(options.max_depth) {}

  // False with error_ and error_at_ set.
  bool Run() {
    if (s_.size() >= UINT32_MAX) return Fail(0, "document larger than 4 GiB");
    // Enough for typical documents (one node per ~9 bytes for the process list), so the vector
    // is not reallocated while parsing; untouched capacity costs no memory pages.
    d_->nodes.reserve(s_.size() / 4 + 4);
    SkipSpace();
    for (;;) {
      if (!ParseValue()) return false;
      for (;;) {  // after a value: close containers or move to the next element or member
        if (stack_.empty()) {
          SkipSpace();
          return pos_ == s_.size() ? true : Fail(pos_, "unexpected data after the JSON value");
        }
        SkipSpace();
        const Node& top = d_->nodes[stack_.back()];
        const bool object = top.kind == Kind::kObject;
        const char close = object ? '}' : ']';
        if (pos_ < s_.size() && s_[pos_] == ',') {
          const size_t comma = pos_++;
          SkipSpace();
          if (pos_ < s_.size() && s_[pos_] == close) {
            return Fail(comma, object ? "trailing comma before '}'" : "trailing comma before ']'");
          }
          if (object && !ParseKey()) return false;
          break;  // parse the next value
        }
        if (pos_ < s_.size() && s_[pos_] == close) {
          ++pos_;
          if (!Close()) return false;
          continue;
        }
        if (pos_ >= s_.size()) {
          return Fail(pos_, object ? "unexpected end of input in an object"
                                   : "unexpected end of input in an array");
        }
        return Fail(pos_, object ? "expected ',' or '}' after an object member"
                                 : "expected ',' or ']' after an array element");
      }
    }
  }

  size_t error_at() const { return error_at_; }
  const std::string& error() const { return error_; }

 private:
  bool Fail(size_t at, std::string what) {
    error_at_ = at;
    error_ = std::move(what);
    return false;
  }

  // Hot loops read t_ up to its terminating NUL instead of checking the size at every byte: NUL
  // is no whitespace, digit or plain string byte, so each loop stops there.
  void SkipSpace() noexcept {
    while (t_[pos_] == ' ' || t_[pos_] == '\n' || t_[pos_] == '\r' || t_[pos_] == '\t') ++pos_;
  }

  // Appends a node for the value starting at pos_ and counts it in its array.
  uint32_t Add(Kind kind) {
    if (!stack_.empty() && d_->nodes[stack_.back()].kind == Kind::kArray) {
      ++d_->nodes[stack_.back()].count;
    }
    const uint32_t index = static_cast<uint32_t>(d_->nodes.size());
    d_->nodes.push_back(Node{static_cast<uint32_t>(pos_), 0, index + 1, 0, 0, kind, 0});
    return index;
  }

  std::string Describe(size_t at) const {
    const auto c = static_cast<unsigned char>(s_[at]);
    if (c >= 0x20 && c < 0x7F) return std::string("unexpected character '") + s_[at] + "'";
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("unexpected byte 0x") + kHex[c >> 4] + kHex[c & 0xF];
  }

  // A value at pos_ (whitespace already skipped). A container is opened and left on the stack,
  // and its first element (or member) is parsed too, in this loop rather than by recursion.
  bool ParseValue() {
    for (;;) {
      if (pos_ >= s_.size()) return Fail(pos_, "unexpected end of input, expected a value");
      const char c = s_[pos_];
      switch (c) {
        case '{':
        case '[': {
          const bool object = c == '{';
          if (stack_.size() >= max_depth_) {
            return Fail(pos_, "nesting deeper than " + std::to_string(max_depth_) + " levels");
          }
          stack_.push_back(Add(object ? Kind::kObject : Kind::kArray));
          ++pos_;
          SkipSpace();
          if (pos_ < s_.size() && s_[pos_] == (object ? '}' : ']')) {
            ++pos_;
            return Close();
          }
          if (object && !ParseKey()) return false;
          continue;
        }
        case '"':
          return ParseString(Add(Kind::kString));
        case 't':
          return ParseLiteral("true", Kind::kBool);
        case 'f':
          return ParseLiteral("false", Kind::kBool);
        case 'n':
          return ParseLiteral("null", Kind::kNull);
        default:
          break;
      }
      if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber();
      if (static_cast<unsigned char>(c) == 0xEF && s_.substr(pos_, 3) == "\xEF\xBB\xBF") {
        return Fail(pos_, "byte order mark is not allowed");
      }
      return Fail(pos_, Describe(pos_) + ", expected a value");
    }
  }

  // The member name at pos_ and the ':' after it; leaves pos_ at the member's value.
  bool ParseKey() {
    if (pos_ >= s_.size()) return Fail(pos_, "unexpected end of input, expected a member name");
    if (s_[pos_] != '"') return Fail(pos_, "expected a string as member name");
    ++d_->nodes[stack_.back()].count;
    const uint32_t key = static_cast<uint32_t>(d_->nodes.size());
    d_->nodes.push_back(Node{static_cast<uint32_t>(pos_), 0, key + 1, 0, 0, Kind::kString, 0});
    if (!ParseString(key)) return false;
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != ':') return Fail(pos_, "expected ':' after a member name");
    ++pos_;
    SkipSpace();
    return true;
  }

  // Ends the container on top of the stack (pos_ is just past its closing bracket).
  bool Close() {
    const uint32_t index = stack_.back();
    stack_.pop_back();
    Node& n = d_->nodes[index];
    n.length = static_cast<uint32_t>(pos_) - n.begin;
    n.end = static_cast<uint32_t>(d_->nodes.size());
    return n.kind != Kind::kObject || n.count < 2 || UniqueKeys(index);
  }

  // Duplicate member names are an error (RFC 8259 leaves their meaning undefined). Small objects
  // (the usual case) compare pairwise; large ones sort their key nodes, so that no input costs
  // quadratic time. The scratch holds 4-byte node indices, reserved once per size, so that a large
  // object costs no more memory traffic than its parse.
  bool UniqueKeys(uint32_t object) {
    const Node& o = d_->nodes[object];
    keys_.clear();
    keys_.reserve(o.count);
    for (uint32_t i = object + 1; i != o.end; i = d_->nodes[i + 1].end) keys_.push_back(i);
    const uint32_t dup = keys_.size() <= 16 ? FirstRepeatPairwise() : FirstRepeatSorted();
    if (dup == UINT32_MAX) return true;
    const Node& key = d_->nodes[dup];
    return Fail(key.begin, "duplicate member name " + Shown(s_.substr(key.begin, key.length)));
  }

  std::string_view KeyAt(uint32_t node) const noexcept { return d_->StringAt(d_->nodes[node]); }

  // The key node of the earliest second occurrence of a name in keys_ (document order), or
  // UINT32_MAX.
  uint32_t FirstRepeatPairwise() const noexcept {
    for (size_t i = 1; i < keys_.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (KeyAt(keys_[i]) == KeyAt(keys_[j])) return keys_[i];
      }
    }
    return UINT32_MAX;
  }

  // The same in O(n log n): sorted by name, then by position, a name's later occurrences follow
  // its first.
  uint32_t FirstRepeatSorted() {
    std::sort(keys_.begin(), keys_.end(), [this](uint32_t a, uint32_t b) {
      const int c = KeyAt(a).compare(KeyAt(b));
      return c < 0 || (c == 0 && a < b);
    });
    uint32_t dup = UINT32_MAX;
    for (size_t i = 1; i < keys_.size(); ++i) {
      if (keys_[i] < dup && KeyAt(keys_[i]) == KeyAt(keys_[i - 1])) dup = keys_[i];
    }
    return dup;
  }

  // A literal as written, for a message that stays printable ASCII whatever the input holds: other
  // bytes as \xNN, at most 48 bytes of it.
  static std::string Shown(std::string_view literal) {
    static constexpr char kHex[] = "0123456789abcdef";
    const bool cut = literal.size() > 48;
    std::string out;
    for (const char c : literal.substr(0, cut ? 44 : literal.size())) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7F) {
        out += c;
      } else {
        out += "\\x";
        out += kHex[u >> 4];
        out += kHex[u & 0xF];
      }
    }
    return cut ? out + "...\"" : out;
  }

  bool ParseLiteral(std::string_view word, Kind kind) {
    if (s_.substr(pos_, word.size()) != word) {
      return Fail(pos_, "invalid literal, expected " + std::string(word));
    }
    const uint32_t index = Add(kind);
    pos_ += word.size();
    d_->nodes[index].length = static_cast<uint32_t>(word.size());
    if (word == "true") d_->nodes[index].count = 1;  // a bool's value
    return true;
  }

  static bool IsDigit(char c) noexcept { return c >= '0' && c <= '9'; }

  bool ParseNumber() {
    const size_t start = pos_;
    size_t p = pos_;
    if (s_[p] == '-') ++p;
    if (p >= s_.size() || !IsDigit(s_[p])) return Fail(p, "expected a digit");
    if (t_[p] == '0') {
      if (IsDigit(t_[p + 1])) return Fail(p, "leading zeros are not allowed");
      ++p;
    } else {
      while (IsDigit(t_[p])) ++p;
    }
    bool integer = true;
    if (t_[p] == '.') {
      integer = false;
      if (!IsDigit(t_[++p])) return Fail(p, "expected a digit after '.'");
      while (IsDigit(t_[p])) ++p;
    }
    if (t_[p] == 'e' || t_[p] == 'E') {
      integer = false;
      ++p;
      if (t_[p] == '+' || t_[p] == '-') ++p;
      if (!IsDigit(t_[p])) return Fail(p, "expected a digit in the exponent");
      while (IsDigit(t_[p])) ++p;
    }
    const uint32_t index = Add(Kind::kNumber);
    d_->nodes[index].length = static_cast<uint32_t>(p - start);
    if (integer) d_->nodes[index].flags = kInteger;
    pos_ = p;
    return true;
  }

  static int HexDigit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // The 4 hex digits of a \u escape whose backslash is at `at`.
  bool Hex4(size_t at, uint32_t* out) {
    if (at + 6 > s_.size()) return Fail(at, "truncated \\u escape");
    uint32_t v = 0;
    for (size_t i = at + 2; i < at + 6; ++i) {
      const int d = HexDigit(s_[i]);
      if (d < 0) return Fail(at, "invalid \\u escape (needs 4 hex digits)");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    *out = v;
    return true;
  }

  // Decodes the escape at pos_ (a backslash) into `out` and moves past it.
  bool Escape(std::string* out) {
    if (pos_ + 1 >= s_.size()) return Fail(pos_, "unterminated string");
    const char e = s_[pos_ + 1];
    char simple = 0;
    switch (e) {
      case '"':
        simple = '"';
        break;
      case '\\':
        simple = '\\';
        break;
      case '/':
        simple = '/';
        break;
      case 'b':
        simple = '\b';
        break;
      case 'f':
        simple = '\f';
        break;
      case 'n':
        simple = '\n';
        break;
      case 'r':
        simple = '\r';
        break;
      case 't':
        simple = '\t';
        break;
      case 'u':
        break;
      default: {
        const auto u = static_cast<unsigned char>(e);
        return Fail(pos_, u >= 0x20 && u < 0x7F ? std::string("invalid escape \\") + e
                                                : std::string("invalid escape"));
      }
    }
    if (e != 'u') {
      out->push_back(simple);
      pos_ += 2;
      return true;
    }
    uint32_t cp;
    if (!Hex4(pos_, &cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Fail(pos_, "lone low surrogate in \\u escape");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      uint32_t low;
      if (pos_ + 8 > s_.size() || s_[pos_ + 6] != '\\' || s_[pos_ + 7] != 'u' ||
          !Hex4(pos_ + 6, &low) || low < 0xDC00 || low > 0xDFFF) {
        return Fail(pos_, "lone high surrogate in \\u escape");
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      pos_ += 6;
    }
    pos_ += 6;
    AppendUtf8(cp, out);
    return true;
  }

  // The string literal at pos_ (a '"') for node `index`: validated, and decoded into
  // Data::decoded when it has escapes.
  bool ParseString(uint32_t index) {
    const size_t start = pos_;
    const auto* u = reinterpret_cast<const unsigned char*>(t_);
    size_t p = start + 1;
    // Fast path: no escape, the decoded text is the literal's inside.
    for (;;) {
      while (kStringClasses.of[u[p]] == kPlain) ++p;  // stops at the NUL after the text
      if (p >= s_.size()) return Fail(start, "unterminated string");
      const uint8_t cls = kStringClasses.of[u[p]];
      if (cls == kQuote) {
        Node& n = d_->nodes[index];
        n.length = static_cast<uint32_t>(p + 1 - start);
        n.count = static_cast<uint32_t>(p - start - 1);
        pos_ = p + 1;
        return true;
      }
      if (cls == kBackslash) break;
      if (cls == kControl) return Fail(p, "control character in string (escape it)");
      const size_t len = Utf8Length(u + p, s_.size() - p);
      if (len == 0) return Fail(p, "invalid UTF-8 in string");
      p += len;
    }
    // Slow path: copy what came before the first escape, then decode.
    std::string& out = d_->decoded;
    const size_t decoded_start = out.size();
    out.append(s_.data() + start + 1, p - start - 1);
    pos_ = p;
    for (;;) {
      size_t q = pos_;
      while (kStringClasses.of[u[q]] == kPlain) ++q;
      out.append(s_.data() + pos_, q - pos_);
      pos_ = q;
      if (pos_ >= s_.size()) return Fail(start, "unterminated string");
      const uint8_t cls = kStringClasses.of[u[pos_]];
      if (cls == kQuote) break;
      if (cls == kBackslash) {
        if (!Escape(&out)) return false;
        continue;
      }
      if (cls == kControl) return Fail(pos_, "control character in string (escape it)");
      const size_t len = Utf8Length(u + pos_, s_.size() - pos_);
      if (len == 0) return Fail(pos_, "invalid UTF-8 in string");
      out.append(s_.data() + pos_, len);
      pos_ += len;
    }
    ++pos_;
    Node& n = d_->nodes[index];
    n.length = static_cast<uint32_t>(pos_ - start);
    n.flags = kEscaped;
    n.decoded = static_cast<uint32_t>(decoded_start);
    n.count = static_cast<uint32_t>(out.size() - decoded_start);
    return true;
  }

  Data* d_;
  std::string_view s_;
  const char* t_;  // s_.data(), NUL-terminated (the Document's std::string)
  uint32_t max_depth_;
  size_t pos_ = 0;
  std::vector<uint32_t> stack_;  // open containers
  std::vector<uint32_t> keys_;   // scratch for UniqueKeys: key node indices
  size_t error_at_ = 0;
  std::string error_;
};

inline bool ParseDouble(std::string_view text, double* out) noexcept {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  const auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
#else
  try {  // locale-independent fallback for standard libraries without floating from_chars
    std::istringstream in{std::string(text)};
    in.imbue(std::locale::classic());
    in >> *out;
    return !in.fail() && *out <= 1.7976931348623157e308 && *out >= -1.7976931348623157e308;
  } catch (...) {
    return false;
  }
#endif
}

}  // namespace detail

inline bool Document::Parse(std::string_view text, std::string* err,
                            const Options& options) noexcept {
  try {
    if (!data_) data_ = std::make_unique<detail::Data>();
    data_->text.assign(text.data(), text.size());
    data_->nodes.clear();
    data_->decoded.clear();
    detail::Parser parser(data_.get(), options);
    if (parser.Run()) return true;
    data_->nodes.clear();
    if (err != nullptr) {
      *err = "invalid JSON at byte " + std::to_string(parser.error_at()) + ": " + parser.error();
    }
  } catch (...) {  // std::bad_alloc: the only exception the parser can meet
    if (data_) data_->nodes.clear();
    try {
      if (err != nullptr) *err = "invalid JSON at byte 0: out of memory";
    } catch (...) {
    }
  }
  return false;
}

inline size_t Value::size() const noexcept {
  if (!data_ || (node().kind != Kind::kArray && node().kind != Kind::kObject)) return 0;
  return node().count;
}

inline Value Value::operator[](std::string_view key) const noexcept { return members().Find(key); }

inline Value Value::operator[](size_t index) const noexcept { return items()[index]; }

inline Array Value::items() const noexcept {
  Array a;
  if (is_array()) {
    a.data_ = data_;
    a.first_ = index_ + 1;
    a.end_ = node().end;
    a.count_ = node().count;
  }
  return a;
}

inline Object Value::members() const noexcept {
  Object o;
  if (is_object()) {
    o.data_ = data_;
    o.first_ = index_ + 1;
    o.end_ = node().end;
    o.count_ = node().count;
  }
  return o;
}

inline Read<std::string_view> Value::AsString() const noexcept {
  if (!is_string()) return Wrong<std::string_view>();
  return {Found::kOk, data_->StringAt(node())};
}

inline Read<int64_t> Value::AsInt64() const noexcept {
  if (!is_number() || !(node().flags & detail::kInteger)) return Wrong<int64_t>();
  const std::string_view t = text();
  int64_t v = 0;
  const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return {Found::kOutOfRange, 0};
  return {Found::kOk, v};
}

inline Read<double> Value::AsDouble() const noexcept {
  if (!is_number()) return Wrong<double>();
  double v = 0;
  if (!detail::ParseDouble(text(), &v)) return {Found::kOutOfRange, 0};
  return {Found::kOk, v};
}

inline Read<bool> Value::AsBool() const noexcept {
  if (!is_bool()) return Wrong<bool>();
  return {Found::kOk, node().count != 0};
}

inline Read<Array> Value::AsArray() const noexcept {
  if (!is_array()) return Wrong<Array>();
  return {Found::kOk, items()};
}

inline Read<Object> Value::AsObject() const noexcept {
  if (!is_object()) return Wrong<Object>();
  return {Found::kOk, members()};
}

}  // namespace json
}  // namespace phpeek

#endif  // PHPEEK_JSON_HPP
