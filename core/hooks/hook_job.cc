#include "core/hooks/hook_job.h"

#include "core/process/environment.h"

namespace phpeek::hooks {
namespace {

// The hook's env over `env`, then the two variables every hook gets.
std::vector<std::string> HookEnvironment(std::vector<std::string> env, const config::Hook& hook,
                                         HookPoint point) {
  process::EnvPairs overlay = hook.env;
  overlay.emplace_back("PHPEEK_PM_HOOK_NAME", hook.name);
  overlay.emplace_back("PHPEEK_PM_HOOK_TYPE", ToString(point));
  return process::OverlayEnvironment(std::move(env), overlay);
}

}  // namespace

const char* ToString(HookPoint point) {
  switch (point) {
    case HookPoint::kPreStart:
      return "pre_start";
    case HookPoint::kPostStart:
      return "post_start";
    case HookPoint::kPreStop:
      return "pre_stop";
    case HookPoint::kPostStop:
      return "post_stop";
  }
  return "unknown";
}

bool IsStartSide(HookPoint point) {
  return point == HookPoint::kPreStart || point == HookPoint::kPostStart;
}

const char* ToString(HookOutcome outcome) {
  switch (outcome) {
    case HookOutcome::kSuccess:
      return "success";
    case HookOutcome::kFailure:
      return "failure";
    case HookOutcome::kTimeout:
      return "timeout";
    case HookOutcome::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

HookJob GlobalHookJob(const config::Hook& hook, HookPoint point) {
  HookJob job;
  job.hook = &hook;
  job.point = point;
  job.request.argv = hook.command.argv;
  job.request.env = HookEnvironment(process::DaemonEnvironment(), hook, point);
  job.request.working_dir = hook.working_dir;
  return job;
}

HookJob ProcessHookJob(const config::Hook& hook, HookPoint point, const std::string& process,
                       const std::string& instance, const process::SpawnRequest& instance_request) {
  HookJob job;
  job.hook = &hook;
  job.point = point;
  job.process = process;
  job.instance = instance;
  std::vector<std::string> env = instance_request.env;
  env.insert(env.end(), instance_request.extra_env.begin(), instance_request.extra_env.end());
  job.request.argv = hook.command.argv;
  job.request.env = HookEnvironment(std::move(env), hook, point);
  job.request.working_dir =
      hook.working_dir.empty() ? instance_request.working_dir : hook.working_dir;
  job.request.run_as = instance_request.run_as;
  return job;
}

}  // namespace phpeek::hooks
