#include "core/config/dependencies.h"

#include <algorithm>
#include <map>
#include <set>

namespace phpeek::config {
namespace {

std::string DependsOnPath(const ProcessSpec& p, size_t i) {
  const std::string base = "processes." + p.name + ".depends_on";
  return p.depends_on_map ? JoinPath(base, p.depends_on[i]) : ItemPath(base, i);
}

SourcePos DependsOnPos(const ProcessSpec& p, size_t i) {
  return i < p.depends_on_pos.size() ? p.depends_on_pos[i] : p.pos;
}

DependencyCondition ConditionOf(const ProcessSpec& p, size_t i) {
  return i < p.depends_on_condition.size() ? p.depends_on_condition[i]
                                           : DependencyCondition::kReady;
}

// A condition the dependency can never meet, or meets without what its word promises: said once,
// as a warning, so that the file still loads.
void CheckCondition(Reader& r, const ProcessSpec& p, size_t i, const ProcessSpec& dep) {
  const DependencyCondition c = ConditionOf(p, i);
  const std::string quoted = "'" + dep.name + "'";
  if (c == DependencyCondition::kHealthy && !dep.health_check &&
      dep.type == ProcessType::kLongrun) {
    r.Warning(DependsOnPos(p, i), DependsOnPath(p, i),
              "process_healthy: " + quoted + " has no health_check, so running counts as healthy",
              "give " + quoted + " a health_check");
  }
  const bool completes =
      c == DependencyCondition::kCompleted || c == DependencyCondition::kCompletedSuccessfully;
  if (completes && dep.type == ProcessType::kLongrun && dep.restart == RestartPolicy::kAlways) {
    r.Warning(DependsOnPos(p, i), DependsOnPath(p, i),
              std::string(ToString(c)) + ": " + quoted +
                  " is a longrun with restart: always, which never completes",
              "'" + p.name + "' waits until its dependency_timeout, if any; make " + quoted +
                  " type: oneshot");
  }
}

// Depth-first search in file order; a dependency on a process still on the stack closes a cycle.
class CycleFinder {
 public:
  CycleFinder(Reader& r, const std::vector<ProcessSpec>& processes) : r_(r) {
    for (const auto& p : processes) by_name_.emplace(p.name, &p);
  }

  void Run(const std::vector<ProcessSpec>& processes) {
    for (const auto& p : processes) {
      if (state_[p.name] == kUnvisited) Visit(p);
    }
  }

 private:
  enum State { kUnvisited = 0, kOnStack, kDone };

  // Iterative, so that a long chain in a huge file cannot exhaust the stack.
  void Visit(const ProcessSpec& root) {
    std::vector<std::pair<const ProcessSpec*, size_t>> frames{{&root, 0}};
    state_[root.name] = kOnStack;
    stack_.push_back(root.name);
    while (!frames.empty()) {
      auto& [p, i] = frames.back();
      if (i == p->depends_on.size()) {
        state_[p->name] = kDone;
        stack_.pop_back();
        frames.pop_back();
        continue;
      }
      const size_t index = i++;
      const auto it = by_name_.find(p->depends_on[index]);
      if (it == by_name_.end()) continue;  // reported as missing
      const State s = state_[it->first];
      if (s == kOnStack) {
        Report(*p, index);
      } else if (s == kUnvisited) {
        state_[it->first] = kOnStack;
        stack_.push_back(it->first);
        frames.emplace_back(it->second, 0);
      }
    }
  }

  void Report(const ProcessSpec& p, size_t i) {
    const std::string& target = p.depends_on[i];
    const auto start = std::find(stack_.begin(), stack_.end(), target);
    std::vector<std::string> cycle(start, stack_.end());
    // Report each cycle once, whichever process the search entered it by.
    std::set<std::string> members(cycle.begin(), cycle.end());
    if (!reported_.insert(members).second) return;
    std::string text;
    for (const auto& name : cycle) text += name + " -> ";
    text += target;
    r_.Error(DependsOnPos(p, i), DependsOnPath(p, i), "dependency cycle: " + text,
             "remove one depends_on entry of the cycle");
  }

  Reader& r_;
  std::map<std::string, const ProcessSpec*> by_name_;
  std::map<std::string, State> state_;
  std::vector<std::string> stack_;
  std::set<std::set<std::string>> reported_;
};

void CheckNames(Reader& r, const std::vector<ProcessSpec>& processes) {
  std::map<std::string, const ProcessSpec*> by_name;
  std::vector<std::string> names;
  for (const auto& p : processes) {
    by_name.emplace(p.name, &p);
    names.push_back(p.name);
  }
  for (const auto& p : processes) {
    std::set<std::string> seen;
    for (size_t i = 0; i < p.depends_on.size(); ++i) {
      const std::string& dep = p.depends_on[i];
      const auto it = by_name.find(dep);
      if (!seen.insert(dep).second) {
        r.Warning(DependsOnPos(p, i), DependsOnPath(p, i), "'" + dep + "' is listed twice");
      } else if (it == by_name.end()) {
        const std::string closest = r.Closest(dep, names);
        r.Error(DependsOnPos(p, i), DependsOnPath(p, i),
                "'" + p.name + "' depends on '" + dep + "', which is not defined",
                closest.empty() ? "define it under processes:" : "did you mean '" + closest + "'?");
      } else if (p.enabled && !it->second->enabled) {
        r.Warning(DependsOnPos(p, i), DependsOnPath(p, i),
                  "'" + p.name + "' depends on '" + dep + "', which is disabled (enabled: false)",
                  "'" + p.name + "' starts without waiting for it");
      } else {
        CheckCondition(r, p, i, *it->second);
      }
    }
  }
}

}  // namespace

void CheckDependencies(Reader& r, const std::vector<ProcessSpec>& processes) {
  CheckNames(r, processes);
  CycleFinder finder(r, processes);
  finder.Run(processes);
}

}  // namespace phpeek::config
