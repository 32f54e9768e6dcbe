// `command:` as a list (argv, executed directly) or a string (run by /bin/sh -c).
#include <algorithm>

#include "core/config/sections.h"

namespace phpeek::config {
namespace {

bool IsBlank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

void ReadCommand(Reader& r, const Node& node, const std::string& path, Command* out) {
  out->pos = node.pos;
  if (node.IsScalar()) {
    std::string text;
    if (!r.Text(node, path, &text)) return;
    if (IsBlank(text)) {
      r.Error(node.pos, path, "command is empty", "write the program and its arguments");
      return;
    }
    out->argv = {"/bin/sh", "-c", text};
    out->via_shell = true;
    return;
  }
  if (!node.IsSequence()) {
    r.Error(node.pos, path,
            std::string("expected a list of strings or a string, got ") + DescribeKind(node),
            "write [\"php\", \"artisan\", \"queue:work\"] or \"php artisan queue:work\"");
    return;
  }
  if (node.items.empty()) {
    r.Error(node.pos, path, "command is empty", "the first element is the program to run");
    return;
  }
  std::vector<std::string> argv;
  if (!r.StringList(node, path, &argv)) return;
  if (argv[0].empty()) {
    r.Error(node.items[0]->pos, ItemPath(path, 0), "the program name is empty");
    return;
  }
  out->argv = std::move(argv);
  out->via_shell = false;
}

}  // namespace phpeek::config
