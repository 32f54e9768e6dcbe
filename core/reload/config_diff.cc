#include "core/reload/config_diff.h"

#include <algorithm>
#include <map>

#include "core/config/logging_spec.h"
#include "phpeek/json.hpp"

namespace phpeek::reload {
namespace {

using config::Command;
using config::Hook;
using config::ProcessSpec;

bool SameCommand(const Command& a, const Command& b) {
  return a.argv == b.argv && a.via_shell == b.via_shell;
}

bool SameHook(const Hook& a, const Hook& b) {
  return a.name == b.name && SameCommand(a.command, b.command) && a.timeout == b.timeout &&
         a.retry == b.retry && a.retry_delay == b.retry_delay &&
         a.continue_on_error == b.continue_on_error && a.env == b.env &&
         a.working_dir == b.working_dir;
}

bool SameHookList(const std::vector<Hook>& a, const std::vector<Hook>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), SameHook);
}

bool SameHealthCheck(const std::optional<config::HealthCheck>& a,
                     const std::optional<config::HealthCheck>& b) {
  if (!a || !b) return !a && !b;
  return a->type == b->type && a->address == b->address && a->url == b->url &&
         SameCommand(a->command, b->command) && a->initial_delay == b->initial_delay &&
         a->period == b->period && a->timeout == b->timeout &&
         a->failure_threshold == b->failure_threshold &&
         a->success_threshold == b->success_threshold && a->expected_status == b->expected_status &&
         a->mode == b->mode;
}

bool SamePatterns(const std::vector<config::LogPattern>& a,
                  const std::vector<config::LogPattern>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const auto& x, const auto& y) { return x.text == y.text; });
}

bool SameLogging(const std::shared_ptr<const config::LoggingSpec>& pa,
                 const std::shared_ptr<const config::LoggingSpec>& pb) {
  if (!pa || !pb) return !pa && !pb;
  const config::LoggingSpec& a = *pa;
  const config::LoggingSpec& b = *pb;
  const bool redaction = std::equal(a.redaction.begin(), a.redaction.end(), b.redaction.begin(),
                                    b.redaction.end(), [](const auto& x, const auto& y) {
                                      return x.name == y.name && x.pattern.text == y.pattern.text &&
                                             x.replacement == y.replacement;
                                    });
  const bool levels =
      std::equal(a.level_detection.patterns.begin(), a.level_detection.patterns.end(),
                 b.level_detection.patterns.begin(), b.level_detection.patterns.end(),
                 [](const auto& x, const auto& y) {
                   return x.level == y.level && SamePatterns(x.patterns, y.patterns);
                 });
  const auto& ma = a.multiline;
  const auto& mb = b.multiline;
  const auto& ja = a.json;
  const auto& jb = b.json;
  return a.labels == b.labels && a.min_level == b.min_level &&
         a.redaction_enabled == b.redaction_enabled && redaction && levels &&
         a.level_detection.enabled == b.level_detection.enabled &&
         a.level_detection.default_level == b.level_detection.default_level &&
         ma.enabled == mb.enabled && ma.start.text == mb.start.text &&
         ma.max_lines == mb.max_lines && ma.timeout == mb.timeout && ja.enabled == jb.enabled &&
         ja.detect_auto == jb.detect_auto && ja.extract_level == jb.extract_level &&
         ja.extract_message == jb.extract_message && ja.merge_fields == jb.merge_fields &&
         SamePatterns(a.include, b.include) && SamePatterns(a.exclude, b.exclude) &&
         a.stdout_value == b.stdout_value && a.stderr_value == b.stderr_value;
}

// The top-level members of a `global:` block in the normal form, as JSON text by key.
std::map<std::string, std::string> GlobalMembers(const std::string& global_json) {
  std::map<std::string, std::string> out;
  json::Document doc;
  if (!doc.Parse(global_json)) return out;
  const json::Read<json::Object> object = doc.root().AsObject();
  if (!object.ok()) return out;
  for (const json::Member m : object.value) out[std::string(m.key)] = std::string(m.value.text());
  return out;
}

std::vector<std::string> ChangedGlobalKeys(const std::string& a, const std::string& b) {
  const auto ma = GlobalMembers(a);
  const auto mb = GlobalMembers(b);
  std::vector<std::string> keys;
  for (const auto& [key, value] : ma) {
    auto it = mb.find(key);
    if (it == mb.end() || it->second != value) keys.push_back(key);
  }
  for (const auto& [key, value] : mb) {
    if (!ma.count(key)) keys.push_back(key);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

const char* ToString(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded:
      return "added";
    case ChangeKind::kRemoved:
      return "removed";
    case ChangeKind::kRestarted:
      return "restarted";
    case ChangeKind::kScaled:
      return "scaled";
    case ChangeKind::kUpdated:
      return "updated";
    case ChangeKind::kUnchanged:
      return "unchanged";
  }
  return "unknown";
}

bool SameHooks(const config::LifecycleHooks& a, const config::LifecycleHooks& b) {
  return SameHookList(a.pre_start, b.pre_start) && SameHookList(a.post_start, b.post_start) &&
         SameHookList(a.pre_stop, b.pre_stop) && SameHookList(a.post_stop, b.post_stop);
}

SpecDelta CompareSpecs(const ProcessSpec& a, const ProcessSpec& b) {
  SpecDelta d;
  auto restart = [&](bool same, const char* key) {
    if (!same) d.restart.push_back(key);
  };
  auto update = [&](bool same, const char* key) {
    if (!same) d.update.push_back(key);
  };
  // What the spawn request is made of: a new run is needed to apply it.
  restart(SameCommand(a.command, b.command), "command");
  restart(a.env == b.env, "env");
  restart(a.user == b.user, "user");
  restart(a.group == b.group, "group");
  restart(a.working_dir == b.working_dir, "working_dir");
  restart(a.type == b.type, "type");
  restart(a.forward_stdout == b.forward_stdout, "stdout");
  restart(a.forward_stderr == b.forward_stderr, "stderr");
  restart(a.schedule.empty() == b.schedule.empty(), "schedule");
  restart(a.listen == b.listen, "listen");
  // Read at the next event that needs them.
  update(a.enabled == b.enabled, "enabled");
  update(a.initial_state == b.initial_state, "initial_state");
  update(a.max_scale == b.max_scale, "max_scale");
  update(a.restart == b.restart, "restart");
  update(a.min_uptime == b.min_uptime, "min_uptime");
  update(a.depends_on == b.depends_on, "depends_on");
  update(a.shutdown.signal == b.shutdown.signal && a.shutdown.timeout == b.shutdown.timeout,
         "shutdown");
  update(SameHooks(a.hooks, b.hooks), "hooks");
  update(SameHealthCheck(a.health_check, b.health_check), "health_check");
  update(a.critical == b.critical, "critical");
  update(a.php_fpm_status == b.php_fpm_status, "php_fpm_status");
  update(a.reload_signal == b.reload_signal, "reload_signal");
  update(a.forward_signals == b.forward_signals, "forward_signals");
  update(a.config_test.has_value() == b.config_test.has_value() &&
             (!a.config_test || SameHook(*a.config_test, *b.config_test)),
         "config_test");
  update(SameLogging(a.logging, b.logging), "logging");
  if (!a.schedule.empty() && !b.schedule.empty()) {
    update(a.schedule == b.schedule, "schedule");
    update(a.schedule_timezone == b.schedule_timezone, "schedule_timezone");
    update(a.schedule_timeout == b.schedule_timeout, "schedule_timeout");
    update(a.schedule_max_concurrent == b.schedule_max_concurrent, "schedule_max_concurrent");
  }
  d.scale = a.scale != b.scale;
  return d;
}

std::vector<std::string> ConfigDiff::Names(ChangeKind kind) const {
  std::vector<std::string> out;
  for (const ProcessChange& c : processes) {
    if (c.kind == kind) out.push_back(c.name);
  }
  return out;
}

size_t ConfigDiff::Count(ChangeKind kind) const {
  return static_cast<size_t>(std::count_if(processes.begin(), processes.end(),
                                           [kind](const auto& c) { return c.kind == kind; }));
}

bool ConfigDiff::empty() const {
  return Count(ChangeKind::kUnchanged) == processes.size() && global_keys.empty() &&
         !global_hooks_changed;
}

ConfigDiff DiffConfigs(const config::Config& before, const config::Config& after) {
  ConfigDiff diff;
  for (const ProcessSpec& spec : after.processes) {
    ProcessChange c;
    c.name = spec.name;
    const ProcessSpec* old = before.FindProcess(spec.name);
    if (!old) {
      c.kind = ChangeKind::kAdded;
    } else {
      SpecDelta d = CompareSpecs(*old, spec);
      c.scale_changed = d.scale;
      if (!d.restart.empty()) {
        c.kind = ChangeKind::kRestarted;
        c.keys = std::move(d.restart);
        c.keys.insert(c.keys.end(), d.update.begin(), d.update.end());
      } else if (!d.update.empty()) {
        c.kind = ChangeKind::kUpdated;
        c.keys = std::move(d.update);
      } else if (d.scale) {
        c.kind = ChangeKind::kScaled;
      }
      if (d.scale) c.keys.push_back("scale");
    }
    diff.processes.push_back(std::move(c));
  }
  for (const ProcessSpec& spec : before.processes) {
    if (!after.FindProcess(spec.name)) {
      diff.processes.push_back(ProcessChange{spec.name, ChangeKind::kRemoved, {}, false});
    }
  }
  diff.global_keys = ChangedGlobalKeys(before.global_json, after.global_json);
  diff.global_hooks_changed = !SameHooks(before.hooks, after.hooks);
  return diff;
}

}  // namespace phpeek::reload
