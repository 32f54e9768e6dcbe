// Typed reading of the plain Node tree with diagnostics. Every Read* call checks the node's shape
// and value, expands `${VAR}` in scalars, and on a problem records a diagnostic with the node's
// position and key path, returning false so the caller keeps its default and carries on: one
// pass reports every problem of a file.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/config/diagnostic.h"
#include "core/config/document.h"
#include "core/config/suggest.h"

namespace phpeek::config {

// A key of a map and what to do with its value.
struct KeyHandler {
  const char* key;
  std::function<void(const Node& value, const std::string& path)> read;
};

// A key that the original PHPeek PM documents but phpeek-pm does not act on: a warning, never an
// error, so that old files keep loading.
struct CompatKey {
  const char* key;
  const char* message;
};

// Told each map a Reader walks: its path ("processes.web.hooks.pre_start[0]"), the keys it
// reads and the old keys it knows. `free_form` when its keys are names the file chooses (env,
// labels): a map read without handlers. Only key_table.h listens; a normal load has none.
using MapObserver =
    std::function<void(const std::string& path, const std::vector<KeyHandler>& handlers,
                       const std::vector<CompatKey>& compat, bool free_form)>;

class Reader {
 public:
  Reader(std::string file, const std::map<std::string, std::string>& env, Diagnostics* diagnostics);

  void Error(SourcePos pos, const std::string& path, const std::string& message,
             const std::string& hint = "");
  // A warning about a key nobody reads (Diagnostic::unknown_key).
  void UnknownKey(SourcePos pos, const std::string& path, const std::string& message,
                  const std::string& hint);
  void Warning(SourcePos pos, const std::string& path, const std::string& message,
               const std::string& hint = "");
  // An error about a value; names the PHPEEK_PM_GLOBAL_* variable when the value came from one
  // (such a value has no position in the file).
  void ValueError(const Node& node, const std::string& path, const std::string& message,
                  const std::string& hint = "");

  // Scalar text after substitution.
  bool Text(const Node& node, const std::string& path, std::string* out);
  bool Bool(const Node& node, const std::string& path, bool* out);
  // An integer within [min, max].
  bool Int(const Node& node, const std::string& path, int64_t min, int64_t max, int64_t* out);
  bool Int(const Node& node, const std::string& path, int min, int max, int* out);
  bool Duration(const Node& node, const std::string& path, std::chrono::milliseconds* out);
  // A byte size (byte_size.h): a number of bytes, or one with a unit.
  bool Bytes(const Node& node, const std::string& path, int64_t* out);
  // One of `choices` (value text -> enum value); a bad value gets the closest choice as hint.
  template <typename E>
  bool Choice(const Node& node, const std::string& path,
              const std::vector<std::pair<std::string, E>>& choices, E* out) {
    std::vector<std::string> names;
    for (const auto& c : choices) names.push_back(c.first);
    size_t index = 0;
    if (!ChoiceIndex(node, path, names, &index)) return false;
    *out = choices[index].second;
    return true;
  }
  // The index of the value in `names`; a bad value gets the closest name as hint.
  bool ChoiceIndex(const Node& node, const std::string& path, const std::vector<std::string>& names,
                   size_t* index);
  // A list of scalars; null is the empty list; a single scalar is not accepted.
  bool StringList(const Node& node, const std::string& path, std::vector<std::string>* out,
                  std::vector<SourcePos>* positions = nullptr);

  // Walks a map: duplicate keys are errors, known keys go to their handler, compat keys and
  // unknown keys are warnings (with the closest known key as hint). `on_unknown`, when set,
  // receives unknown keys instead of the warning. A null node counts as an empty map.
  using UnknownFn = std::function<void(const MapEntry& entry, const std::string& closest)>;
  bool Map(const Node& node, const std::string& path, const std::vector<KeyHandler>& handlers,
           const std::vector<CompatKey>& compat = {}, const UnknownFn& on_unknown = nullptr);

  // ClosestMatch within the budget that all hints of this load share.
  std::string Closest(const std::string& word, const std::vector<std::string>& candidates) {
    return ClosestMatch(word, candidates, &suggest_budget_);
  }

  void set_map_observer(MapObserver observer) { map_observer_ = std::move(observer); }

  const std::string& file() const { return file_; }
  const std::map<std::string, std::string>& env() const { return env_; }
  Diagnostics* diagnostics() { return diagnostics_; }

 private:
  // "expected an integer, got a map" unless the node is a scalar.
  bool ExpectScalar(const Node& node, const std::string& path, const char* what);
  void Add(Severity severity, SourcePos pos, const std::string& path, const std::string& message,
           const std::string& hint);

  std::string file_;
  const std::map<std::string, std::string>& env_;
  Diagnostics* diagnostics_;
  MapObserver map_observer_;
  // About 0.1 s of edit distances; a real file spends a tiny fraction of it.
  SuggestBudget suggest_budget_{20'000'000};
};

// "processes" + "web" -> "processes.web"; `Item("hooks.pre-start", 2)` -> "hooks.pre-start[2]".
std::string JoinPath(const std::string& parent, const std::string& key);
std::string ItemPath(const std::string& parent, size_t index);

}  // namespace phpeek::config
