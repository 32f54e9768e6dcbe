// Hook objects ({name, command, timeout, retry, retry_delay, continue_on_error, env,
// working_dir}) and the `hooks:` blocks (global and per process) with their four lifecycle points.
#include "core/config/sections.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

void ReadTimeout(Reader& r, const Node& v, P p, Millis* out) {
  Millis value{0};
  if (!r.Duration(v, p, &value)) return;
  if (value.count() == 0) {
    r.Error(v.pos, p, "timeout must be greater than 0", "e.g. timeout: 30s");
    return;
  }
  *out = value;
}

void ReadWorkingDir(Reader& r, const Node& v, P p, std::string* out) {
  std::string value;
  if (!r.Text(v, p, &value)) return;
  if (value.empty()) {
    r.Error(v.pos, p, "must not be empty", "remove the key to use the default");
    return;
  }
  *out = value;
}

// A list of hooks, or one hook object (as `shutdown.pre_stop_hook` is written). Unnamed hooks are
// called "<point>[<index>]" so that every log line and metric can name them.
void ReadHookList(Reader& r, const Node& node, P path, const std::string& point,
                  std::vector<Hook>* out) {
  if (node.IsNull()) return;
  if (node.IsMap()) {
    Hook hook;
    ReadHook(r, node, path, &hook);
    if (hook.name.empty()) hook.name = point + "[0]";
    out->push_back(std::move(hook));
    return;
  }
  if (!node.IsSequence()) {
    r.Error(node.pos, path, std::string("expected a list of hooks, got ") + DescribeKind(node),
            "write one '- name: ...' item per hook");
    return;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    Hook hook;
    ReadHook(r, *node.items[i], ItemPath(path, i), &hook);
    if (hook.name.empty()) hook.name = point + "[" + std::to_string(i) + "]";
    out->push_back(std::move(hook));
  }
}

}  // namespace

void ReadHook(Reader& r, const Node& node, const std::string& path, Hook* out) {
  out->pos = node.pos;
  out->key_path = path;
  if (!node.IsMap()) {
    r.Error(node.pos, path,
            std::string("expected a hook (a map with 'command'), got ") + DescribeKind(node));
    return;
  }
  bool has_command = false;
  r.Map(
      node, path,
      {
          {"name", [&](const Node& v, P p) { r.Text(v, p, &out->name); }},
          {"command",
           [&](const Node& v, P p) {
             has_command = true;
             ReadCommand(r, v, p, &out->command);
           }},
          {"timeout", [&](const Node& v, P p) { ReadTimeout(r, v, p, &out->timeout); }},
          {"retry", [&](const Node& v, P p) { r.Int(v, p, 0, 100, &out->retry); }},
          {"retry_delay", [&](const Node& v, P p) { r.Duration(v, p, &out->retry_delay); }},
          {"continue_on_error", [&](const Node& v, P p) { r.Bool(v, p, &out->continue_on_error); }},
          {"env", [&](const Node& v, P p) { ReadEnv(r, v, p, &out->env); }},
          {"working_dir", [&](const Node& v, P p) { ReadWorkingDir(r, v, p, &out->working_dir); }},
      });
  if (!has_command) {
    r.Error(node.pos, path, "hook has no 'command'", "add command: [\"program\", \"arg\"]");
  }
}

// The original spells the global points with hyphens, process hooks use underscores; both
// spellings are read everywhere, but only one of them per point.
void ReadLifecycleHooks(Reader& r, const Node& node, const std::string& path, LifecycleHooks* out) {
  struct Point {
    const char* hyphen;
    const char* underscore;
    std::vector<Hook>* target;
    const Node* seen = nullptr;
  };
  Point points[] = {{"pre-start", "pre_start", &out->pre_start},
                    {"post-start", "post_start", &out->post_start},
                    {"pre-stop", "pre_stop", &out->pre_stop},
                    {"post-stop", "post_stop", &out->post_stop}};
  std::vector<KeyHandler> handlers;
  for (Point& point : points) {
    for (const char* key : {point.hyphen, point.underscore}) {
      handlers.push_back({key, [&r, &point, key](const Node& v, P p) {
                            if (point.seen != nullptr) {
                              r.Error(v.pos, p,
                                      std::string("'") + key + "' repeats the hooks of line " +
                                          std::to_string(point.seen->pos.line),
                                      std::string("write either '") + point.hyphen + "' or '" +
                                          point.underscore + "'");
                              return;
                            }
                            point.seen = &v;
                            ReadHookList(r, v, p, point.underscore, point.target);
                          }});
    }
  }
  r.Map(node, path, handlers);
}

}  // namespace phpeek::config
