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

using EnvList = std::vector<std::pair<std::string, std::string>>;

const std::string* FindEnv(const EnvList& env, const char* key) {
  for (const auto& [k, v] : env) {
    if (k == key) return &v;
  }
  return nullptr;
}

// Warns about programs that cannot be found. Lookups are remembered per (program, PATH,
// working_dir): thousands of processes running the same program cost one search.
class ProgramCheck {
 public:
  ProgramCheck(Reader& r, const std::map<std::string, std::string>& env) : r_(r), env_(env) {}

  // A process's command (and its health check's): its own env and working_dir win.
  void Run(const Command& command, const std::string& path, const ProcessSpec& p) {
    Find(command, path, SearchPath(&p.env, nullptr), p.working_dir);
  }

  // A hook sees its own env and working_dir over its process's (none for a global hook).
  void Hooks(const LifecycleHooks& hooks, const ProcessSpec* p) {
    for (const auto* list :
         {&hooks.pre_start, &hooks.post_start, &hooks.pre_stop, &hooks.post_stop}) {
      for (const Hook& h : *list) {
        const std::string& dir = !h.working_dir.empty() ? h.working_dir
                                 : p != nullptr         ? p->working_dir
                                                        : h.working_dir;
        Find(h.command, h.key_path + ".command", SearchPath(p ? &p->env : nullptr, &h.env), dir);
      }
    }
  }

 private:
  // PATH the child will see: the hook's env, then the process's, then the daemon's.
  std::string SearchPath(const EnvList* process_env, const EnvList* hook_env) const {
    for (const EnvList* env : {hook_env, process_env}) {
      if (env == nullptr) continue;
      if (const std::string* v = FindEnv(*env, "PATH")) return *v;
    }
    const auto it = env_.find("PATH");
    return it == env_.end() ? kDefaultPath : it->second;
  }

  void Find(const Command& command, const std::string& path, const std::string& search_path,
            const std::string& working_dir) {
    if (command.argv.empty()) return;
    const std::string program = command.via_shell ? ShellProgram(command.argv[2]) : command.argv[0];
    if (program.empty()) return;
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

  Reader& r_;
  const std::map<std::string, std::string>& env_;
  std::map<std::string, bool> found_;
};

void CheckPrograms(Reader& r, const Config& config, const std::map<std::string, std::string>& env) {
  ProgramCheck check(r, env);
  for (const auto& p : config.processes) {
    if (!p.enabled) continue;  // never started: its program may legitimately be absent
    const std::string base = "processes." + p.name;
    check.Run(p.command, base + ".command", p);
    if (p.health_check && p.health_check->type == HealthCheckType::kExec) {
      check.Run(p.health_check->command, base + ".health_check.command", p);
    }
    check.Hooks(p.hooks, &p);
    if (p.config_test) check.Run(p.config_test->command, base + ".config_test", p);
  }
  check.Hooks(config.hooks, nullptr);
}

}  // namespace

void ValidateConfig(Reader& r, const Config& config, bool check_programs,
                    const std::map<std::string, std::string>& env) {
  CheckDependencies(r, config.processes);
  CheckReadiness(r, config);
  if (check_programs) CheckPrograms(r, config, env);
}

}  // namespace phpeek::config
