// One entry of `processes:`: name rules, every process key, and the checks that only need the
// process itself and the global block (scale limits, signal names, cron syntax).
#include <algorithm>
#include <cctype>

#include "core/config/cron.h"
#include "core/config/logging_section.h"
#include "core/config/process_name.h"
#include "core/config/sections.h"
#include "core/config/signal_names.h"

namespace phpeek::config {
namespace {

using P = const std::string&;
// A sanity limit for `scale` in a file: more instances of one process is a typo, not a plan.
constexpr int kMaxFileScale = 10000;

const std::vector<CompatKey> kProcessCompat = {
    {"heartbeat",
     "'heartbeat' (PHPeek PM's success/failure URL pings) is not supported by phpeek-pm; ignored"},
};
const std::vector<CompatKey> kShutdownCompat = {
    {"graceful",
     "'graceful' is a PHPeek PM key that phpeek-pm does not use: every stop is "
     "graceful (signal, then SIGKILL after timeout); ignored"},
};

// A signal by name, from the names `use` accepts; a wrong one is an error with the closest name.
void ReadSignal(Reader& r, const Node& v, P p, int* out, SignalUse use = SignalUse::kStop) {
  std::string text;
  if (!r.Text(v, p, &text)) return;
  if (ParseSignalName(text, out, use)) return;
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper.rfind("SIG", 0) != 0) upper = "SIG" + upper;
  const std::vector<std::string>& names = KnownSignalNames(use);
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  int known = 0;
  if (ParseSignalName(text, &known, SignalUse::kSend)) {  // a signal, but not for this key
    r.Error(v.pos, p, "signal '" + text + "' is not accepted here", "use one of " + all);
    return;
  }
  const std::string closest = r.Closest(upper, names);
  r.Error(v.pos, p, "unknown signal '" + text + "'",
          closest.empty() ? "use one of " + all : "did you mean '" + closest + "'?");
}

// `forward_signals`: a list of names; each once.
void ReadForwardSignals(Reader& r, const Node& v, P p, std::vector<int>* out) {
  if (!v.IsNull() && v.kind != Node::Kind::kSequence) {
    r.Error(v.pos, p, "must be a list of signal names", "e.g. [SIGUSR1, SIGWINCH]");
    return;
  }
  for (size_t i = 0; i < v.items.size(); ++i) {
    int signal = 0;
    const std::string item = p + "[" + std::to_string(i) + "]";
    ReadSignal(r, *v.items[i], item, &signal, SignalUse::kForward);
    if (signal == 0) continue;
    if (std::find(out->begin(), out->end(), signal) != out->end()) {
      r.Error(v.items[i]->pos, item, "listed twice", "list each signal once");
      continue;
    }
    out->push_back(signal);
  }
}

void ReadShutdown(Reader& r, const Node& node, P path, ProcessSpec* out,
                  std::optional<Hook>* pre_stop_hook) {
  r.Map(node, path,
        {
            {"signal", [&](const Node& v, P p) { ReadSignal(r, v, p, &out->shutdown.signal); }},
            {"timeout", [&](const Node& v, P p) { r.Duration(v, p, &out->shutdown.timeout); }},
            {"pre_stop_hook",
             [&](const Node& v, P p) {
               Hook hook;
               ReadHook(r, v, p, &hook);
               if (hook.name.empty()) hook.name = "pre_stop_hook";
               *pre_stop_hook = std::move(hook);
             }},
        },
        kShutdownCompat);
}

struct Seen {
  bool command = false, restart = false;
  SourcePos scale_pos, max_scale_pos, user_pos, group_pos, listen_pos;
  std::optional<Hook> pre_stop_hook;  // `shutdown.pre_stop_hook`: runs after `hooks.pre_stop`
};

std::vector<KeyHandler> BasicHandlers(Reader& r, ProcessSpec* out, Seen* seen) {
  return {
      {"enabled", [&r, out](const Node& v, P p) { r.Bool(v, p, &out->enabled); }},
      {"command",
       [&r, out, seen](const Node& v, P p) {
         seen->command = true;
         ReadCommand(r, v, p, &out->command);
       }},
      {"type",
       [&r, out](const Node& v, P p) {
         r.Choice<ProcessType>(
             v, p, {{"longrun", ProcessType::kLongrun}, {"oneshot", ProcessType::kOneshot}},
             &out->type);
       }},
      {"initial_state",
       [&r, out](const Node& v, P p) {
         r.Choice<InitialState>(
             v, p, {{"running", InitialState::kRunning}, {"stopped", InitialState::kStopped}},
             &out->initial_state);
       }},
      {"scale",
       [&r, out, seen](const Node& v, P p) {
         if (r.Int(v, p, 0, kMaxFileScale, &out->scale)) seen->scale_pos = v.pos;
       }},
      {"max_scale",
       [&r, out, seen](const Node& v, P p) {
         int value = 0;
         if (!r.Int(v, p, 0, 100000, &value)) return;
         out->max_scale = value;
         seen->max_scale_pos = v.pos;
       }},
      {"restart",
       [&r, out, seen](const Node& v, P p) {
         seen->restart = r.Choice<RestartPolicy>(v, p,
                                                 {{"always", RestartPolicy::kAlways},
                                                  {"on-failure", RestartPolicy::kOnFailure},
                                                  {"never", RestartPolicy::kNever}},
                                                 &out->restart);
       }},
      {"depends_on", [&r, out](const Node& v, P p) { ReadDependsOn(r, v, p, out); }},
      {"dependency_timeout",
       [&r, out](const Node& v, P p) {
         Millis timeout{0};
         if (!r.Duration(v, p, &timeout)) return;
         if (timeout.count() > 0) out->dependency_timeout = timeout;
       }},
      {"min_uptime", [&r, out](const Node& v, P p) { r.Duration(v, p, &out->min_uptime); }},
      {"critical", [&r, out](const Node& v, P p) { r.Bool(v, p, &out->critical); }},
      {"reload_signal",
       [&r, out](const Node& v, P p) {
         int signal = 0;
         ReadSignal(r, v, p, &signal, SignalUse::kReload);
         if (signal != 0) out->reload_signal = signal;
       }},
      {"forward_signals",
       [&r, out](const Node& v, P p) { ReadForwardSignals(r, v, p, &out->forward_signals); }},
      {"config_test",
       [&r, out](const Node& v, P p) {
         Hook test;
         test.name = "config_test";
         test.key_path = p;
         test.pos = v.pos;
         ReadCommand(r, v, p, &test.command);
         if (!test.command.argv.empty()) out->config_test = std::move(test);
       }},
  };
}

std::vector<KeyHandler> MoreHandlers(Reader& r, ProcessSpec* out, Seen* seen) {
  auto text = [&r](std::string* target, SourcePos* pos = nullptr) {
    return [&r, target, pos](const Node& v, P p) {
      std::string value;
      if (!r.Text(v, p, &value)) return;
      if (value.empty()) {
        r.Error(v.pos, p, "must not be empty", "remove the key to use the default");
      } else {
        *target = value;
        if (pos) *pos = v.pos;
      }
    };
  };
  return {
      {"working_dir", text(&out->working_dir)},
      {"user", text(&out->user, &seen->user_pos)},
      {"group", text(&out->group, &seen->group_pos)},
      {"env", [&r, out](const Node& v, P p) { ReadEnv(r, v, p, &out->env); }},
      {"stdout", [&r, out](const Node& v, P p) { r.Bool(v, p, &out->forward_stdout); }},
      {"stderr", [&r, out](const Node& v, P p) { r.Bool(v, p, &out->forward_stderr); }},
      {"shutdown",
       [&r, out, seen](const Node& v, P p) { ReadShutdown(r, v, p, out, &seen->pre_stop_hook); }},
      {"hooks", [&r, out](const Node& v, P p) { ReadLifecycleHooks(r, v, p, &out->hooks); }},
      {"health_check",
       [&r, out](const Node& v, P p) {
         HealthCheck hc;
         ReadHealthCheck(r, v, p, &hc);
         out->health_check = std::move(hc);
       }},
      {"php_fpm_status",
       [&r, out](const Node& v, P p) {
         PhpFpmStatus status;
         ReadPhpFpmStatus(r, v, p, &status);
         out->php_fpm_status = std::move(status);
       }},
      {"logging", [&r, out](const Node& v, P p) { ReadLogging(r, v, p, out); }},
      {"listen",
       [&r, out, seen](const Node& v, P p) {
         seen->listen_pos = v.pos;
         ReadListen(r, v, p, &out->listen);
       }},
  };
}

// user/group to ids now, so that a bad one stops the load with its position instead of failing
// (or, for a number that wrapped, succeeding as root) at spawn time.
void ResolveIds(Reader& r, const std::string& path, const Seen& seen, ProcessSpec* p) {
  if (p->user.empty() && p->group.empty()) return;
  RunAs run_as;
  RunAsErrors errors;
  if (ResolveRunAs(p->user, p->group, &run_as, &errors)) {
    p->run_as = std::move(run_as);
    return;
  }
  const char* hint = "a name from the system's user/group database or a number";
  if (!errors.user.empty()) r.Error(seen.user_pos, JoinPath(path, "user"), errors.user, hint);
  if (!errors.group.empty()) r.Error(seen.group_pos, JoinPath(path, "group"), errors.group, hint);
}

// A file's own scale is bounded by the process's max_scale (and kMaxFileScale). Not by
// global.max_process_scale: that bounds scaling through the API (configuration.md), and a file of
// the original PHPeek PM with `scale: 500` loads there.
void CheckScale(Reader& r, const std::string& path, const GlobalSpec& global, const Seen& seen,
                const ProcessSpec& p) {
  if (p.max_scale && p.scale > *p.max_scale) {
    r.Error(
        seen.scale_pos, JoinPath(path, "scale"),
        "scale " + std::to_string(p.scale) + " is above max_scale " + std::to_string(*p.max_scale),
        "raise max_scale or lower scale");
  }
  if (p.max_scale && *p.max_scale > global.max_process_scale) {
    r.Warning(seen.max_scale_pos, JoinPath(path, "max_scale"),
              "max_scale " + std::to_string(*p.max_scale) + " is above global.max_process_scale " +
                  std::to_string(global.max_process_scale) + ", which caps it");
  }
}

}  // namespace

void ReadProcess(Reader& r, const MapEntry& entry, const GlobalSpec& global, ProcessSpec* out) {
  const std::string path = JoinPath("processes", entry.key);
  out->name = entry.key;
  out->pos = entry.key_pos;
  out->restart = global.restart_policy;
  out->min_uptime = global.min_uptime;
  if (!IsValidProcessName(entry.key)) {
    const std::string shown =
        entry.key.size() > 80
            ? entry.key.substr(0, 64) + "... (" + std::to_string(entry.key.size()) + " characters)"
            : entry.key;
    r.Error(entry.key_pos, path, "invalid process name '" + shown + "'",
            std::string("names match ") + kProcessNameRule);
  }
  const Node& node = *entry.value;
  if (!node.IsMap()) {
    r.Error(node.pos, path,
            std::string("expected a process definition (a map), got ") + DescribeKind(node),
            "at least: command: [\"program\", \"arg\"]");
    return;
  }
  Seen seen;
  std::vector<KeyHandler> handlers = BasicHandlers(r, out, &seen);
  for (auto& h : MoreHandlers(r, out, &seen)) handlers.push_back(std::move(h));
  ScheduleKeyPositions schedule_keys;
  for (auto& h : ScheduleKeyHandlers(r, out, &schedule_keys)) handlers.push_back(std::move(h));
  r.Map(node, path, handlers, kProcessCompat);
  for (const std::string& key : out->deferred_keys) {
    out->deferred_pos.push_back(KeyPosition(node, key));
  }
  CheckLoggingStreams(r, node, path, *out);
  if (seen.pre_stop_hook) out->hooks.pre_stop.push_back(std::move(*seen.pre_stop_hook));
  if (!seen.restart) out->restart = global.restart_policy;
  if (!seen.command) {
    r.Error(entry.key_pos, path, "process '" + entry.key + "' has no 'command'",
            "add command: [\"program\", \"arg\"] or command: \"shell command\"");
  }
  ResolveIds(r, path, seen, out);
  CheckScale(r, path, global, seen, *out);
  CheckScheduleKeys(r, path, *out, schedule_keys, seen.scale_pos);
  if (!out->listen.empty() && !out->schedule.empty()) {
    r.Error(seen.listen_pos, JoinPath(path, "listen"),
            "a scheduled job cannot hold listening sockets",
            "remove listen, or schedule: its runs start and end on their own");
  }
  if (out->php_fpm_status && !out->schedule.empty()) {
    r.Error(out->php_fpm_status->pos, JoinPath(path, "php_fpm_status"),
            "a scheduled job has no php-fpm pool to ask for its status",
            "put php_fpm_status on the process that runs php-fpm");
  }
}

}  // namespace phpeek::config
