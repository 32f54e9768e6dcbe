// What the hook runner is asked to run (a HookJob: one configured hook, where in the lifecycle,
// for whom, and the spawn request it runs with) and how a run ended (a HookResult).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/config/config.h"
#include "core/process/spawner.h"
#include "core/process_logs/pipeline.h"

namespace phpeek::hooks {

enum class HookPoint { kPreStart, kPostStart, kPreStop, kPostStop };

// "pre_start", "post_start", "pre_stop", "post_stop": the `type` label of the hook metrics and
// PHPEEK_PM_HOOK_TYPE, for global and process hooks alike.
const char* ToString(HookPoint point);
// Start side (pre_start, post_start): abandoned when a shutdown begins. Stop side: run to the end.
bool IsStartSide(HookPoint point);

struct HookJob {
  const config::Hook* hook = nullptr;  // lives as long as the configuration
  HookPoint point = HookPoint::kPreStart;
  std::string process;   // empty for a global hook
  std::string instance;  // the instance a process hook runs for
  process::SpawnRequest request;
  // A process hook's output goes through its process's `logging` pipeline (null: the default one).
  std::shared_ptr<const process_logs::PipelineConfig> log_pipeline;
};

// The global hook's request: the daemon's environment with the hook's env laid over it, the hook's
// working_dir (else the daemon's).
HookJob GlobalHookJob(const config::Hook& hook, HookPoint point);
// A process hook runs as the instance would: `instance_request` is the spawn request of the
// instance (its user, group, working_dir and environment, PHPEEK_PM_INSTANCE_ID included), with
// the hook's env and working_dir laid over it.
HookJob ProcessHookJob(const config::Hook& hook, HookPoint point, const std::string& process,
                       const std::string& instance, const process::SpawnRequest& instance_request);

enum class HookOutcome {
  kSuccess,    // exit status 0
  kFailure,    // another exit status, a signal, or the program could not be started
  kTimeout,    // the last attempt outlived the hook's timeout and its group was killed
  kCancelled,  // abandoned: a shutdown began (start side) or its deadline passed
};

// "success", "failure", "timeout", "cancelled".
const char* ToString(HookOutcome outcome);

struct HookResult {
  std::string name;
  HookPoint point = HookPoint::kPreStart;
  std::string process;
  std::string instance;
  HookOutcome outcome = HookOutcome::kSuccess;
  int exit_code = -1;  // of the last attempt; -1 when it did not exit by itself
  int signal = 0;      // that ended the last attempt, 0 if none
  int attempts = 0;
  std::chrono::milliseconds duration{0};  // from the first attempt to the end of the last
  bool continue_on_error = false;
  std::string
      error;  // why it failed, for the log and the API ("exit code 1", "timed out after 5s")

  bool ok() const { return outcome == HookOutcome::kSuccess; }
};

}  // namespace phpeek::hooks
