#include "core/config/yaml_loader.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <exception>
#include <set>
#include <vector>

namespace phpeek::config {
namespace {

// A config is a few levels deep; anything deeper is garbage or an alias loop.
constexpr int kMaxDepth = 64;
// Bounds alias expansion ("billion laughs"): a real config has a few hundred nodes.
constexpr size_t kMaxNodes = 200000;

SourcePos ToPos(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

class Converter {
 public:
  Converter(const std::string& file, Diagnostics* diagnostics)
      : file_(file), diagnostics_(diagnostics) {}

  // Returns nullptr once a fatal limit was hit (the error is already recorded).
  std::unique_ptr<Node> Convert(const YAML::Node& in, int depth) {
    if (failed_) return nullptr;
    if (depth > kMaxDepth) return Fail(in, "the document is nested too deeply");
    if (++node_count_ > kMaxNodes) return Fail(in, "the document is too large (alias expansion)");
    auto out = std::make_unique<Node>();
    out->pos = ToPos(in.Mark());
    switch (in.Type()) {
      case YAML::NodeType::Scalar:
        out->kind = Node::Kind::kScalar;
        out->scalar = in.Scalar();
        out->quoted = in.Tag() == "!";
        break;
      case YAML::NodeType::Sequence:
        out->kind = Node::Kind::kSequence;
        for (const auto& item : in) {
          auto child = Convert(item, depth + 1);
          if (!child) return nullptr;
          out->items.push_back(std::move(child));
        }
        break;
      case YAML::NodeType::Map:
        out->kind = Node::Kind::kMap;
        if (!ConvertMap(in, depth, out.get())) return nullptr;
        break;
      default:
        out->kind = Node::Kind::kNull;
    }
    return out;
  }

 private:
  bool ConvertMap(const YAML::Node& in, int depth, Node* out) {
    std::vector<YAML::Node> merges;
    for (const auto& kv : in) {
      if (kv.first.IsScalar() && kv.first.Scalar() == "<<" && kv.first.Tag() != "!") {
        merges.push_back(kv.second);
        continue;
      }
      if (!AddEntry(kv.first, kv.second, depth, out)) return false;
    }
    for (const auto& source : merges) {
      if (source.IsMap()) {
        if (!MergeFrom(source, depth, out)) return false;
      } else if (source.IsSequence()) {
        for (const auto& item : source) {
          if (item.IsMap() && !MergeFrom(item, depth, out)) return false;
        }
      }
    }
    return true;
  }

  // `<<: *defaults`: copies the keys that the map does not set itself.
  bool MergeFrom(const YAML::Node& source, int depth, Node* out) {
    std::set<std::string> present;
    for (const auto& e : out->entries) present.insert(e.key);
    for (const auto& kv : source) {
      if (kv.first.IsScalar() && present.count(kv.first.Scalar()) > 0) continue;
      if (!AddEntry(kv.first, kv.second, depth, out)) return false;
    }
    return true;
  }

  bool AddEntry(const YAML::Node& key, const YAML::Node& value, int depth, Node* out) {
    MapEntry entry;
    entry.key_pos = ToPos(key.Mark());
    if (key.IsScalar()) {
      entry.key = key.Scalar();
    } else if (!key.IsNull()) {
      diagnostics_->push_back({Severity::kError, file_, entry.key_pos, "",
                               "a map key must be a plain name, not a list or a map", ""});
      return true;  // skip this entry, keep going
    }
    entry.value = Convert(value, depth + 1);
    if (!entry.value) return false;
    // yaml-cpp marks an empty value at the start of the next token, often the next line.
    if (entry.value->IsNull()) entry.value->pos = entry.key_pos;
    out->entries.push_back(std::move(entry));
    return true;
  }

  std::unique_ptr<Node> Fail(const YAML::Node& at, const std::string& message) {
    failed_ = true;
    diagnostics_->push_back({Severity::kError, file_, ToPos(at.Mark()), "", message, ""});
    return nullptr;
  }

  const std::string& file_;
  Diagnostics* diagnostics_;
  size_t node_count_ = 0;
  bool failed_ = false;
};

void AddError(const std::string& file, const YAML::Mark& mark, const std::string& message,
              const std::string& hint, Diagnostics* diagnostics) {
  diagnostics->push_back({Severity::kError, file, ToPos(mark), "", message, hint});
}

}  // namespace

std::unique_ptr<Node> ParseYaml(const std::string& text, const std::string& file,
                                Diagnostics* diagnostics) {
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(text);
    if (docs.empty()) return std::make_unique<Node>();
    if (docs.size() > 1) {
      diagnostics->push_back({Severity::kWarning, file, ToPos(docs[1].Mark()), "",
                              "only the first YAML document of the file is read",
                              "remove the '---' separator and the documents after it"});
    }
    Converter converter(file, diagnostics);
    return converter.Convert(docs[0], 0);
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
