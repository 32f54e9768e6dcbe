// Every configuration key the core reads, found by asking the loader itself rather than by keeping
// a second list: small documents are loaded with a MapObserver (reader.h), and each key that a map
// accepts is tried as a list of blocks, as a block and as a map of names to blocks, to learn
// whether it opens nested keys. A key added to a KeyHandler table appears here without more work.
// What `check-config --keys` prints and what tests hold config/reference.md against.
//
// Paths use the reader's spelling with two placeholders: `<name>` for a name the file chooses (a
// process name, an entry of a free-form map) and `[]` for any list item:
// "processes.<name>.hooks.pre_start[].timeout".
#pragma once

#include <string>
#include <vector>

namespace phpeek::config {

enum class KeyShape {
  kValue,       // a scalar or a list of scalars
  kMap,         // a nested block (its keys: the TableMap at this key's path)
  kListOfMaps,  // a list of blocks (their keys: the TableMap at "<path>[]")
};

const char* ToString(KeyShape shape);

struct TableKey {
  std::string name;
  KeyShape shape = KeyShape::kValue;
  bool compat = false;         // a PHPeek PM key read only to warn about (or read as another)
  std::string compat_message;  // what the warning says
};

struct TableMap {
  std::string path;        // "" is the top level
  bool free_form = false;  // its keys are names the file chooses (env, labels, processes)
  std::vector<TableKey> keys;
};

// The maps of the configuration, parents before children, each with the keys it reads in the
// loader's order. The `global:` map lists the core's keys only: the plugins declare theirs
// (key_schema.h).
std::vector<TableMap> CoreKeyTable();

}  // namespace phpeek::config
