#include "core/config/key_table.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include "core/config/loader.h"

namespace phpeek::config {
namespace {

constexpr const char* kName = "<name>";
constexpr const char* kItem = "[]";
// Deeper than any block of the configuration: a free-form map inside a free-form map stops here.
constexpr size_t kMaxDepth = 16;

using Segments = std::vector<std::string>;  // keys, and kItem for a list item

std::string PathOf(const Segments& segments) {
  std::string path;
  for (const auto& s : segments) path = s == kItem ? path + kItem : JoinPath(path, s);
  return path;
}

// "hooks.pre_start[2].env" -> "hooks.pre_start[].env".
std::string Normalise(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] != '[') continue;
    while (i + 1 < path.size() && std::isdigit(static_cast<unsigned char>(path[i + 1]))) ++i;
  }
  return out;
}

// The document (JSON, which YAML reads) that sets the value at `segments` to `leaf`. Keys are the
// loader's own names and kName: nothing to escape.
std::string Document(const Segments& segments, size_t i, const std::string& leaf) {
  if (i == segments.size()) return leaf;
  const std::string inner = Document(segments, i + 1, leaf);
  if (segments[i] == kItem) return "[" + inner + "]";
  return "{\"" + segments[i] + "\":" + inner + "}";
}

struct Observed {
  std::vector<std::string> keys;  // the handlers' keys, in the reader's order
  std::vector<std::pair<std::string, std::string>> compat;
  bool free_form = false;
};

template <typename T>
void AddOnce(std::vector<T>* list, const T& value) {
  if (std::find(list->begin(), list->end(), value) == list->end()) list->push_back(value);
}

class Explorer {
 public:
  // The keys of the map at `map`, each probed for its shape; the blocks they open are queued. A
  // free-form map is probed with one name: whether its entries are blocks (else it is listed with
  // no keys: names to plain values, like `env`).
  TableMap Describe(const Segments& map, std::deque<Segments>* queue) {
    const std::string path = PathOf(map);
    const Observed observed = maps_[path];  // a copy: Load adds to maps_
    TableMap table{path, observed.free_form, {}};
    const std::vector<std::string> keys = observed.free_form ? Segments{kName} : observed.keys;
    for (const auto& key : keys) {
      Segments child = map;
      child.push_back(key);
      const KeyShape shape = Probe(child, queue);
      if (observed.free_form && shape == KeyShape::kValue) continue;
      table.keys.push_back({key, shape, false, ""});
    }
    for (const auto& [key, message] : observed.compat) {
      table.keys.push_back({key, KeyShape::kValue, true, message});
    }
    return table;
  }

  // Loads `document` and returns the paths of the maps that the loader walked.
  std::set<std::string> Load(const std::string& document) {
    std::set<std::string> walked;
    LoadOptions options;
    options.check_programs = false;
    options.map_observer = [&](const std::string& path, const std::vector<KeyHandler>& handlers,
                               const std::vector<CompatKey>& compat, bool free_form) {
      const std::string p = Normalise(path);
      walked.insert(p);
      Observed& o = maps_[p];
      o.free_form = o.free_form || free_form;
      for (const auto& h : handlers) AddOnce(&o.keys, std::string(h.key));
      for (const auto& c : compat) AddOnce(&o.compat, {c.key, c.message});
    };
    const Environment none;
    LoadConfigText(document, "keys.yaml", none, options);
    return walked;
  }

 private:
  // What the value of the key at `key` is: a list of blocks, a block, a map of names to blocks
  // that the loader walks by itself (`processes:`, or `depends_on:` in its map form), or none.
  KeyShape Probe(const Segments& key, std::deque<Segments>* queue) {
    const std::string path = PathOf(key);
    Segments item = key;
    item.push_back(kItem);
    if (Load(Document(key, 0, "[{}]")).count(PathOf(item)) != 0) {
      queue->push_back(item);
      return KeyShape::kListOfMaps;
    }
    if (Load(Document(key, 0, "{}")).count(path) != 0) {
      queue->push_back(key);
      return KeyShape::kMap;
    }
    Segments named = key;
    named.push_back(kName);
    if (Load(Document(named, 0, "{}")).count(PathOf(named)) != 0) {
      maps_[path].free_form = true;
      queue->push_back(key);
      return KeyShape::kMap;
    }
    return KeyShape::kValue;
  }

  std::map<std::string, Observed> maps_;  // by normalised path
};

}  // namespace

const char* ToString(KeyShape shape) {
  switch (shape) {
    case KeyShape::kValue:
      return "value";
    case KeyShape::kMap:
      return "map";
    case KeyShape::kListOfMaps:
      return "list_of_maps";
  }
  return "value";
}

std::vector<TableMap> CoreKeyTable() {
  Explorer explorer;
  explorer.Load("{}");  // the top level and `global:`
  std::vector<TableMap> out;
  std::deque<Segments> queue = {{}};
  std::set<std::string> done;
  while (!queue.empty()) {
    const Segments map = queue.front();
    queue.pop_front();
    if (map.size() > kMaxDepth || !done.insert(PathOf(map)).second) continue;
    out.push_back(explorer.Describe(map, &queue));
  }
  return out;
}

}  // namespace phpeek::config
