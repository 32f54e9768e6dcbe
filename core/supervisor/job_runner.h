// Scheduled jobs inside the engine: one schedule::ScheduledJob per process with a `schedule` (the
// bookkeeping: ticks, pause, max_concurrent, history), and the process side that library leaves
// to its caller:
//  - a run is a child in its own process group with the process's user, group, environment and
//    working directory, plus PHPEEK_PM_SCHEDULED=true, PHPEEK_PM_RUN_ID=<id> (and, as the original
//    PHPeek PM set them, PHPEEK_PM_INSTANCE_ID=<name>-run-<id>, PHPEEK_PM_SCHEDULE and
//    PHPEEK_PM_START_TIME); its output is forwarded with run=<id>, and kept in the history in one
//    ring per job (instance = the job's name: runs come and go, the job's last lines stay), each
//    line with its "run" field;
//  - schedule_timeout stops a run: the process's stop signal to the group, SIGKILL after its
//    shutdown.timeout; the run is recorded as `timeout`;
//  - waking on time: one CLOCK_REALTIME timerfd armed (TFD_TIMER_ABSTIME) for the earliest tick,
//    with TFD_TIMER_CANCEL_ON_SET, so that a clock that is set, or a resume from suspend, wakes the
//    loop at once and the planner decides (one run for the missed ticks, none repeated). Nothing
//    polls: an idle daemon wakes for ticks only. The engine calls Poll after every turn; a test
//    clock (TimeSource::WallNow) is seen there exactly like the real one.
// Runs are not instances: they never restart, and the daemon does not end "because everything
// ended" while a job exists. Loop thread only, like the engine that owns it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config/config.h"
#include "core/process/children.h"
#include "core/process/output_reader.h"
#include "core/process/spawner.h"
#include "core/schedule/scheduled_job.h"
#include "core/supervisor/control.h"
#include "core/supervisor/events.h"
#include "core/supervisor/loop.h"
#include "core/supervisor/output_pipeline.h"
#include "core/supervisor/time_source.h"

namespace phpeek::supervisor {

class JobRunner {
 public:
  struct Io {
    Loop* loop = nullptr;
    process::Spawner* spawner = nullptr;
    process::Children* children = nullptr;
    const TimeSource* time = nullptr;
    EventBus* bus = nullptr;
    process_logs::LogHistory* history = nullptr;  // optional: where runs' output is kept
  };
  // `changed` is called whenever what Snapshot or Executing answer changes.
  JobRunner(const Io& io, std::function<void()> changed);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // A job for `spec` (it has a `schedule`), spawned from `request` (the process's spawn request).
  // Disabled or `initial_state: stopped`: the job starts paused. False when the schedule cannot be
  // set up (its zone file vanished since the load).
  bool Add(const config::ProcessSpec& spec, const config::GlobalSpec& global,
           const process::SpawnRequest& request, std::string* err);
  // The timerfd; called once the jobs are added (again after a reload added one). Nothing to do
  // (and true) without jobs.
  bool Init(std::string* err);
  // Reload. Update: the job's process changed in place (`spec` is from the new configuration);
  // new runs use `request`, the schedule settings apply from now, a disabled job is paused. Its
  // history and runs in flight are kept. Remove: the job is paused and gone from the list; its
  // runs in flight get their stop signal and are recorded when they end. False with `err` when
  // the new schedule cannot be set up (the job is then left as it was).
  bool Update(const config::ProcessSpec& spec, const config::GlobalSpec& global,
              const process::SpawnRequest& request, std::string* err);
  void Remove(const std::string& name);
  // Jobs removed by a reload whose runs are still active (they point into the old configuration).
  bool HasRetired() const { return !retired_.empty(); }

  bool empty() const { return jobs_.empty(); }
  bool Has(const std::string& name) const { return jobs_.count(name) != 0; }
  bool Executing(const std::string& name) const;
  // The job's bookkeeping as of now, for the status snapshot; the same copy until it changes.
  std::shared_ptr<const schedule::ScheduledJob> Snapshot(const std::string& name);

  // Starts the runs whose ticks fell due by the wall clock (and re-plans after a clock change).
  void Poll();
  // A child changed state; false when it is not a run.
  bool OnChildChange(const process::ChildChange& change);
  bool Owns(pid_t pid) const { return by_pid_.count(pid) != 0; }

  // Pause, resume or trigger (the answer the API gives).
  JobReply Apply(JobOp op, const std::string& name);
  // `start` and `stop` of a job: resume it; pause it and stop its active runs.
  void Start(const std::string& name);
  void Stop(const std::string& name);

  // Shutdown: no new runs; every active run gets its stop signal, and SIGKILL at the earlier of
  // its shutdown.timeout and `deadline`.
  void BeginShutdown(Clock::time_point deadline);
  // SIGKILL to every run's group.
  void KillAll();
  bool HasLiveRuns() const { return !by_pid_.empty(); }

 private:
  struct Job;
  struct Run;

  void Wake(Job& job, schedule::WallTime now);
  void StartRun(Job& job, int64_t id, schedule::RunTrigger trigger);
  void ArmTimeout(Run& run);
  void WatchOutput(Run& run, const process::SpawnResult& r);
  void StopRun(Run& run, bool timed_out, std::optional<Clock::time_point> deadline);
  void OnRunExit(Run& run, int status);
  void FinishRun(Job& job, int64_t id, const schedule::RunOutcome& outcome, Millis took);
  void PublishRun(EventType type, const Job& job, const schedule::RunRecord& run, pid_t pid);
  void Changed(Job& job);
  void OnTimerFd();
  void Rearm();
  Job* Find(const std::string& name);

  Io io_;
  std::function<void()> changed_;
  std::map<std::string, std::unique_ptr<Job>> jobs_;
  std::vector<std::unique_ptr<Job>> retired_;  // removed by a reload, runs still active
  std::unordered_map<pid_t, Run*> by_pid_;
  int timer_fd_ = -1;
  std::optional<schedule::WallTime> earliest_;   // the earliest next tick of any job
  std::optional<schedule::WallTime> armed_for_;  // what the timerfd is armed for
  bool clock_changed_ = false;                   // the timerfd said the wall clock was set
  bool shutting_down_ = false;
  Clock::time_point shutdown_deadline_{};
};

}  // namespace phpeek::supervisor
