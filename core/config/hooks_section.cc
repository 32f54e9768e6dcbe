// Hook objects ({name, command, timeout, retry, continue_on_error}) and the top-level `hooks:`
// block with its four lifecycle points.
#include "core/config/sections.h"

namespace phpeek::config {

void ReadHook(Reader& r, const Node& node, const std::string& path, Hook* out) {
  out->pos = node.pos;
  if (!node.IsMap()) {
    r.Error(node.pos, path, std::string("expected a hook (a map with 'command'), got ") +
                                DescribeKind(node));
    return;
  }
  bool has_command = false;
  r.Map(node, path,
        {
            {"name", [&](const Node& v, const std::string& p) { r.Text(v, p, &out->name); }},
            {"command",
             [&](const Node& v, const std::string& p) {
               has_command = true;
               ReadCommand(r, v, p, &out->command);
             }},
            {"timeout",
             [&](const Node& v, const std::string& p) { r.Duration(v, p, &out->timeout); }},
            {"retry", [&](const Node& v, const std::string& p) { r.Int(v, p, 0, 100, &out->retry); }},
            {"continue_on_error",
             [&](const Node& v, const std::string& p) { r.Bool(v, p, &out->continue_on_error); }},
        });
  if (!has_command) {
    r.Error(node.pos, path, "hook has no 'command'", "add command: [\"program\", \"arg\"]");
  }
}

namespace {

void ReadHookList(Reader& r, const Node& node, const std::string& path, std::vector<Hook>* out) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    r.Error(node.pos, path, std::string("expected a list of hooks, got ") + DescribeKind(node),
            "write one '- name: ...' item per hook");
    return;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    Hook hook;
    ReadHook(r, *node.items[i], ItemPath(path, i), &hook);
    out->push_back(std::move(hook));
  }
}

}  // namespace

void ReadLifecycleHooks(Reader& r, const Node& node, const std::string& path,
                        LifecycleHooks* out) {
  auto list = [&](std::vector<Hook>* target) {
    return [&r, target](const Node& v, const std::string& p) { ReadHookList(r, v, p, target); };
  };
  r.Map(node, path,
        {
            {"pre-start", list(&out->pre_start)},
            {"post-start", list(&out->post_start)},
            {"pre-stop", list(&out->pre_stop)},
            {"post-stop", list(&out->post_stop)},
        });
}

}  // namespace phpeek::config
