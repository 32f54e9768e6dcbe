#include "core/config/validate.h"

#include <set>

#include "core/config/dependencies.h"
#include "core/config/program_search.h"

namespace phpeek::config {
namespace {

constexpr char kDefaultPath[] = "/usr/local/bin:/usr/bin:/bin";

void CheckReadiness(Reader& r, const Config& config) {
  const Readiness& readiness = config.global.readiness;
  std::vector<std::string> names;
  for (const auto& p : config.processes) names.push_back(p.name);
  for (size_t i = 0; i < readiness.processes.size(); ++i) {
    const std::string& name = readiness.processes[i];
    if (config.FindProcess(name) != nullptr) continue;
    const std::string closest = r.Closest(name, names);
    r.Error(i < readiness.processes_pos.size() ? readiness.processes_pos[i] : SourcePos{},
            ItemPath("global.readiness.processes", i), "'" + name + "' is not a defined process",
            closest.empty() ? "" : "did you mean '" + closest + "'?");
  }
}

// PATH the process will see: its own env wins over the daemon's.
std::string SearchPath(const ProcessSpec* p, const std::map<std::string, std::string>& env) {
  if (p != nullptr) {
    for (const auto& [k, v] : p->env) {
      if (k == "PATH") return v;
    }
  }
  const auto it = env.find("PATH");
  return it == env.end() ? kDefaultPath : it->second;
}

// Warns about programs that cannot be found. Lookups are remembered per (program, PATH,
// working_dir): thousands of processes running the same program cost one search.
class ProgramCheck {
 public:
  ProgramCheck(Reader& r, const std::map<std::string, std::string>& env) : r_(r), env_(env) {}

  void Run(const Command& command, const std::string& path, const ProcessSpec* process) {
    if (command.argv.empty()) return;
    const std::string program = command.via_shell ? ShellProgram(command.argv[2]) : command.argv[0];
    if (program.empty()) return;
    const std::string working_dir = process ? process->working_dir : "";
    const std::string search_path = SearchPath(process, env_);
    const std::string key = program + '\0' + search_path + '\0' + working_dir;
    auto it = found_.find(key);
    if (it == found_.end()) {
      it = found_.emplace(key, FindProgram(program, search_path, working_dir)).first;
    }
    if (it->second) return;
    r_.Warning(command.pos, path,
               program.find('/') == std::string::npos
                   ? "program '" + program + "' is not found on PATH"
                   : "program '" + program + "' does not exist or is not executable",
               "starting it will fail unless it is installed by then");
  }

  void Hooks(const std::vector<Hook>& hooks, const std::string& path) {
    for (size_t i = 0; i < hooks.size(); ++i) {
      Run(hooks[i].command, ItemPath(path, i) + ".command", nullptr);
    }
  }

 private:
  Reader& r_;
  const std::map<std::string, std::string>& env_;
  std::map<std::string, bool> found_;
};

void CheckPrograms(Reader& r, const Config& config, const std::map<std::string, std::string>& env) {
  ProgramCheck check(r, env);
  for (const auto& p : config.processes) {
    if (!p.enabled) continue;  // never started: its program may legitimately be absent
    const std::string base = "processes." + p.name;
    check.Run(p.command, base + ".command", &p);
    if (p.health_check && p.health_check->type == HealthCheckType::kExec) {
      check.Run(p.health_check->command, base + ".health_check.command", &p);
    }
    if (p.shutdown.pre_stop_hook) {
      check.Run(p.shutdown.pre_stop_hook->command, base + ".shutdown.pre_stop_hook.command", &p);
    }
  }
  check.Hooks(config.hooks.pre_start, "hooks.pre-start");
  check.Hooks(config.hooks.post_start, "hooks.post-start");
  check.Hooks(config.hooks.pre_stop, "hooks.pre-stop");
  check.Hooks(config.hooks.post_stop, "hooks.post-stop");
}

}  // namespace

void ValidateConfig(Reader& r, const Config& config, bool check_programs,
                    const std::map<std::string, std::string>& env) {
  CheckDependencies(r, config.processes);
  CheckReadiness(r, config);
  if (check_programs) CheckPrograms(r, config, env);
}

}  // namespace phpeek::config
