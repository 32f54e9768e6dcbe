#include "core/config/validate.h"

#include <set>

#include "core/config/dependencies.h"
#include "core/config/program_search.h"
#include "core/config/suggest.h"

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
    const std::string closest = ClosestMatch(name, names);
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

void CheckProgram(Reader& r, const Command& command, const std::string& path,
                  const ProcessSpec* process, const std::map<std::string, std::string>& env) {
  if (command.argv.empty()) return;
  const std::string program = command.via_shell ? ShellProgram(command.argv[2]) : command.argv[0];
  if (program.empty()) return;
  const std::string working_dir = process ? process->working_dir : "";
  if (FindProgram(program, SearchPath(process, env), working_dir)) return;
  r.Warning(command.pos, path,
            program.find('/') == std::string::npos
                ? "program '" + program + "' is not found on PATH"
                : "program '" + program + "' does not exist or is not executable",
            "starting it will fail unless it is installed by then");
}

void CheckHookPrograms(Reader& r, const std::vector<Hook>& hooks, const std::string& path,
                       const std::map<std::string, std::string>& env) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    CheckProgram(r, hooks[i].command, ItemPath(path, i) + ".command", nullptr, env);
  }
}

void CheckPrograms(Reader& r, const Config& config,
                   const std::map<std::string, std::string>& env) {
  for (const auto& p : config.processes) {
    if (!p.enabled) continue;  // never started: its program may legitimately be absent
    const std::string base = "processes." + p.name;
    CheckProgram(r, p.command, base + ".command", &p, env);
    if (p.health_check && p.health_check->type == HealthCheckType::kExec) {
      CheckProgram(r, p.health_check->command, base + ".health_check.command", &p, env);
    }
    if (p.shutdown.pre_stop_hook) {
      CheckProgram(r, p.shutdown.pre_stop_hook->command, base + ".shutdown.pre_stop_hook.command",
                   &p, env);
    }
  }
  CheckHookPrograms(r, config.hooks.pre_start, "hooks.pre-start", env);
  CheckHookPrograms(r, config.hooks.post_start, "hooks.post-start", env);
  CheckHookPrograms(r, config.hooks.pre_stop, "hooks.pre-stop", env);
  CheckHookPrograms(r, config.hooks.post_stop, "hooks.post-stop", env);
}

}  // namespace

void ValidateConfig(Reader& r, const Config& config, bool check_programs,
                    const std::map<std::string, std::string>& env) {
  CheckDependencies(r, config.processes);
  CheckReadiness(r, config);
  if (check_programs) CheckPrograms(r, config, env);
}

}  // namespace phpeek::config
