// The plain tree is built straight from yaml-cpp's parser events (YAML::Parser and an
// EventHandler), never through YAML::Load/LoadAll and YAML::Node:
// - yaml-cpp 0.7's LoadAll loops forever, allocating, on a token that no document can start with
//   (a file that is just `,`, or `[1, 2], 3`): each HandleNextDocument call reports an empty
//   document without consuming the token. Walking the documents ourselves, a document that starts
//   where the previous one started is that case, and is reported as a syntax error.
// - Building our own nodes lets the limits (depth, node count with aliases expanded) stop the
//   parser as soon as they are crossed, instead of after yaml-cpp built the whole document.
#include "core/config/yaml_loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <exception>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace phpeek::config {
namespace {

// A config is a few levels deep; anything deeper is garbage.
constexpr int kMaxDepth = 64;
// Bounds the work on one document, alias copies and merged keys included ("billion laughs"): a
// real config has a few hundred nodes.
constexpr size_t kMaxNodes = 200000;

SourcePos ToPos(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// Thrown from the event handlers to stop the parser at once.
struct Stop {
  SourcePos pos;
  std::string message;
};

// Builds the first document's tree from the parser's events. Anchored nodes are remembered, and
// an alias becomes a deep copy of its node; `<<` merge keys are applied when their map ends.
class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(const std::string& file, Diagnostics* diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  std::unique_ptr<Node> TakeRoot() { return std::move(root_); }
  const YAML::Mark& document_start() const { return document_start_; }

  void OnDocumentStart(const YAML::Mark& mark) override { document_start_ = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Attach(NewNode(Node::Kind::kNull, mark), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end() || it->second == nullptr) {
      throw Stop{ToPos(mark), "an alias refers to the node that contains it (a recursive alias)"};
    }
    std::unique_ptr<Node> copy = Copy(*it->second, ToPos(mark), Depth());
    copy->pos = ToPos(mark);
    Attach(std::move(copy), YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto node = NewNode(Node::Kind::kScalar, mark);
    node->scalar = value;
    node->quoted = tag == "!";  // the non-specific tag of a quoted scalar
    Attach(std::move(node), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    Open(Node::Kind::kSequence, mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    Open(Node::Kind::kMap, mark, anchor);
  }
  void OnMapEnd() override {
    ApplyMerges(&frames_.back());
    Close();
  }

 private:
  // A collection being built. For a map, `key` holds a key until its value arrives.
  struct Frame {
    std::unique_ptr<Node> node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::unique_ptr<Node> key;
    std::vector<std::unique_ptr<Node>> merges;  // values of `<<` keys, in order
  };

  int Depth() const { return static_cast<int>(frames_.size()); }

  void Count(SourcePos pos) {
    if (++work_ > kMaxNodes) {
      throw Stop{pos, "the document is too large (more than " + std::to_string(kMaxNodes) +
                          " values, with aliases expanded)"};
    }
  }

  std::unique_ptr<Node> NewNode(Node::Kind kind, const YAML::Mark& mark) {
    Count(ToPos(mark));
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->pos = ToPos(mark);
    return node;
  }

  void Open(Node::Kind kind, const YAML::Mark& mark, YAML::anchor_t anchor) {
    if (Depth() >= kMaxDepth) throw Stop{ToPos(mark), "the document is nested too deeply"};
    if (anchor != YAML::NullAnchor) anchors_[anchor] = nullptr;  // open: an alias to it recurses
    frames_.push_back({NewNode(kind, mark), anchor, nullptr, {}});
  }

  void Close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    for (auto& source : frame.merges) Retire(std::move(source));
    Attach(std::move(frame.node), frame.anchor);
  }

  // Keeps a node that is not part of the tree alive: an anchor may point into it.
  void Retire(std::unique_ptr<Node> node) { retired_.push_back(std::move(node)); }

  void Attach(std::unique_ptr<Node> node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node.get();  // nodes never move
    if (frames_.empty()) {
      root_ = std::move(node);
      return;
    }
    Frame& top = frames_.back();
    if (top.node->IsSequence()) {
      top.node->items.push_back(std::move(node));
    } else if (!top.key) {
      top.key = std::move(node);
    } else {
      AddEntry(&top, std::move(top.key), std::move(node));
    }
  }

  void AddEntry(Frame* frame, std::unique_ptr<Node> key, std::unique_ptr<Node> value) {
    if (key->IsScalar() && !key->quoted && key->scalar == "<<") {
      frame->merges.push_back(std::move(value));
    } else if (key->IsSequence() || key->IsMap()) {
      diagnostics_->push_back({Severity::kError, file_, key->pos, "",
                               "a map key must be a plain name, not a list or a map", ""});
      Retire(std::move(value));  // skip this entry, keep going
    } else {
      MapEntry entry;
      entry.key = key->scalar;  // a null key reads as ""
      entry.key_pos = key->pos;
      // yaml-cpp marks an empty value at the start of the next token, often the next line.
      if (value->IsNull()) value->pos = entry.key_pos;
      entry.value = std::move(value);
      frame->node->entries.push_back(std::move(entry));
    }
    Retire(std::move(key));
  }

  // `<<: *defaults` or `<<: [*a, *b]`: copies the keys that the map does not set itself; of two
  // sources, the first wins.
  void ApplyMerges(Frame* frame) {
    if (frame->merges.empty()) return;
    Node* map = frame->node.get();
    std::set<std::string> present;
    for (const auto& e : map->entries) present.insert(e.key);
    for (auto& source : frame->merges) {
      if (source->IsMap()) {
        MergeFrom(*source, map, &present);
      } else if (source->IsSequence()) {
        for (auto& item : source->items) {
          if (item->IsMap()) {
            MergeFrom(*item, map, &present);
          } else {
            MergeError(*item);
          }
        }
      } else {
        MergeError(*source);
      }
    }
  }

  // Copies (an anchor may name the source); keys repeated inside one source are all added, so
  // that the reader reports the duplicate.
  void MergeFrom(const Node& source, Node* map, std::set<std::string>* present) {
    std::vector<std::string> added;
    for (const auto& e : source.entries) {
      Count(e.key_pos);
      if (present->count(e.key) != 0) continue;
      added.push_back(e.key);
      map->entries.push_back({e.key, e.key_pos, Copy(*e.value, e.key_pos, Depth())});
    }
    present->insert(added.begin(), added.end());
  }

  void MergeError(const Node& source) {
    diagnostics_->push_back(
        {Severity::kError, file_, source.pos, "",
         std::string("'<<' merges a map or a list of maps, got ") + DescribeKind(source),
         "write <<: *anchor, where the anchor names a map"});
  }

  std::unique_ptr<Node> Copy(const Node& from, SourcePos at, int depth) {
    if (depth >= kMaxDepth) throw Stop{at, "the document is nested too deeply"};
    Count(at);
    auto out = std::make_unique<Node>();
    out->kind = from.kind;
    out->pos = from.pos;
    out->scalar = from.scalar;
    out->quoted = from.quoted;
    for (const auto& item : from.items) out->items.push_back(Copy(*item, at, depth + 1));
    for (const auto& e : from.entries) {
      out->entries.push_back({e.key, e.key_pos, Copy(*e.value, at, depth + 1)});
    }
    return out;
  }

  const std::string& file_;
  Diagnostics* diagnostics_;
  std::vector<Frame> frames_;
  std::map<YAML::anchor_t, const Node*> anchors_;  // nullptr while the anchored node is open
  std::vector<std::unique_ptr<Node>> retired_;
  std::unique_ptr<Node> root_;
  YAML::Mark document_start_ = YAML::Mark::null_mark();
  size_t work_ = 0;
};

// Reads the documents after the first without building anything; only where each one starts.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark start = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// "unexpected ','" for the byte yaml-cpp's mark points at (its offsets leave out a UTF-8 BOM).
std::string Unexpected(const std::string& text, const YAML::Mark& mark) {
  const size_t bom = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  const size_t at = static_cast<size_t>(mark.pos) + bom;
  if (mark.pos >= 0 && at < text.size()) {
    const char c = text[at];
    if (c > ' ' && c < 0x7f) return std::string("unexpected '") + c + "'";
  }
  return "unexpected text";
}

// Walks the documents after the first. Returns false (with an error) when the parser is stuck on
// a token that starts no document; otherwise warns if there was another document.
bool CheckRemainingDocuments(YAML::Parser& parser, const std::string& text,
                             YAML::Mark previous_start, const std::string& file,
                             Diagnostics* diagnostics) {
  DocumentStarts starts;
  YAML::Mark second = YAML::Mark::null_mark();
  while (parser.HandleNextDocument(starts)) {
    if (starts.start.pos == previous_start.pos) {
      diagnostics->push_back({Severity::kError, file, ToPos(starts.start), "",
                              "YAML syntax error: " + Unexpected(text, starts.start),
                              "nothing may follow the document's top-level value; quote values "
                              "that start with a YAML indicator such as , [ ] { } & * ! | >"});
      return false;
    }
    if (second.is_null()) second = starts.start;
    previous_start = starts.start;
  }
  if (!second.is_null()) {
    diagnostics->push_back({Severity::kWarning, file, ToPos(second), "",
                            "only the first YAML document of the file is read",
                            "remove the '---' separator and the documents after it"});
  }
  return true;
}

void AddError(const std::string& file, const YAML::Mark& mark, const std::string& message,
              const std::string& hint, Diagnostics* diagnostics) {
  diagnostics->push_back({Severity::kError, file, ToPos(mark), "", message, hint});
}

}  // namespace

std::unique_ptr<Node> ParseYaml(const std::string& text, const std::string& file,
                                Diagnostics* diagnostics) {
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    TreeBuilder builder(file, diagnostics);
    if (!parser.HandleNextDocument(builder)) return std::make_unique<Node>();
    std::unique_ptr<Node> root = builder.TakeRoot();
    if (!root) return std::make_unique<Node>();
    if (!CheckRemainingDocuments(parser, text, builder.document_start(), file, diagnostics)) {
      return nullptr;
    }
    return root;
  } catch (const Stop& e) {
    diagnostics->push_back({Severity::kError, file, e.pos, "", e.message, ""});
  } catch (const YAML::DeepRecursion& e) {
    AddError(file, e.mark, "the document is nested too deeply", "", diagnostics);
  } catch (const YAML::ParserException& e) {
    AddError(file, e.mark, "YAML syntax error: " + e.msg, "check indentation and quoting",
             diagnostics);
  } catch (const YAML::Exception& e) {
    AddError(file, e.mark, "cannot read YAML: " + e.msg, "", diagnostics);
  } catch (const std::exception& e) {
    diagnostics->push_back(
        {Severity::kError, file, {}, "", std::string("cannot read YAML: ") + e.what(), ""});
  }
  return nullptr;
}

}  // namespace phpeek::config
