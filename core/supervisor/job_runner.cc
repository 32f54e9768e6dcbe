#include "core/supervisor/job_runner.h"

#include <signal.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/config/cron.h"
#include "core/log/log.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/output_pipeline.h"

namespace phpeek::supervisor {

using schedule::RunOutcome;
using schedule::RunRecord;
using schedule::RunTrigger;
using schedule::WallTime;

struct JobRunner::Run {
  Job* job = nullptr;
  int64_t id = 0;
  pid_t pid = 0;
  Clock::time_point spawned_at{};
  bool timed_out = false;  // stopped for schedule_timeout
  bool stopping = false;   // the stop signal was sent
  Loop::TimerId timeout_timer = 0;
  Loop::TimerId kill_timer = 0;
  Clock::time_point kill_at{};  // when kill_timer fires
  ChildOutput output;
};

struct JobRunner::Job {
  Job(const config::ProcessSpec& s, schedule::JobSettings settings, WallTime now,
      process::SpawnRequest r)
      : spec(&s), sched(std::move(settings), now), request(std::move(r)) {}

  const config::ProcessSpec* spec;
  std::shared_ptr<const process_logs::PipelineConfig> log_pipeline =
      process_logs::PipelineConfig::Make(spec->logging);
  schedule::ScheduledJob sched;
  process::SpawnRequest request;
  std::map<int64_t, std::unique_ptr<Run>> runs;             // active, by run id
  std::shared_ptr<const schedule::ScheduledJob> published;  // reset on every change
};

namespace {

int64_t UnixSeconds(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// Unset fields as -1 (exit code), for the log and events.
int ExitCodeOr(const RunRecord& run, int fallback) { return run.exit_code.value_or(fallback); }

}  // namespace

JobRunner::JobRunner(const Io& io, std::function<void()> changed)
    : io_(io), changed_(std::move(changed)) {}

JobRunner::~JobRunner() {
  if (timer_fd_ >= 0) close(timer_fd_);
}

bool JobRunner::Add(const config::ProcessSpec& spec, const config::GlobalSpec& global,
                    const process::SpawnRequest& request, std::string* err) {
  schedule::JobSettings settings;
  if (!config::JobSettingsFor(spec, global, &settings, err)) {
    *err = "process '" + spec.name + "': " + *err;
    return false;
  }
  auto job = std::make_unique<Job>(spec, std::move(settings), io_.time->WallNow(), request);
  if (!spec.enabled || spec.initial_state == config::InitialState::kStopped) job->sched.Pause();
  jobs_.emplace(spec.name, std::move(job));
  return true;
}

bool JobRunner::Init(std::string* err) {
  if (jobs_.empty() || timer_fd_ >= 0) return true;
  timer_fd_ = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
  if (timer_fd_ < 0) {
    *err = std::string("cannot create the scheduler's timerfd: ") + std::strerror(errno);
    return false;
  }
  io_.loop->Watch(timer_fd_, EPOLLIN, [this](uint32_t) { OnTimerFd(); });
  Rearm();
  return true;
}

bool JobRunner::Update(const config::ProcessSpec& spec, const config::GlobalSpec& global,
                       const process::SpawnRequest& request, std::string* err) {
  Job* job = Find(spec.name);
  if (!job) return Add(spec, global, request, err);
  schedule::JobSettings settings;
  if (!config::JobSettingsFor(spec, global, &settings, err)) {
    *err = "process '" + spec.name + "': " + *err;
    return false;
  }
  const bool was_enabled = job->spec->enabled;
  job->spec = &spec;
  job->request = request;
  job->log_pipeline = process_logs::PipelineConfig::Make(spec.logging);  // from the next run
  const WallTime now = io_.time->WallNow();
  job->sched.Reconfigure(std::move(settings), now);
  if (!spec.enabled) {
    job->sched.Pause();
  } else if (!was_enabled && spec.initial_state == config::InitialState::kRunning) {
    job->sched.Resume(now);
  }
  Changed(*job);
  Rearm();
  return true;
}

void JobRunner::Remove(const std::string& name) {
  auto it = jobs_.find(name);
  if (it == jobs_.end()) return;
  std::unique_ptr<Job> job = std::move(it->second);
  jobs_.erase(it);
  job->sched.Pause();
  for (auto& [id, run] : job->runs) StopRun(*run, false, std::nullopt);
  if (!job->runs.empty()) retired_.push_back(std::move(job));
  if (io_.history != nullptr) io_.history->Retire(name);  // its lines stay until room is needed
  changed_();
  Rearm();
}

bool JobRunner::Executing(const std::string& name) const {
  auto it = jobs_.find(name);
  return it != jobs_.end() && !it->second->runs.empty();
}

std::shared_ptr<const schedule::ScheduledJob> JobRunner::Snapshot(const std::string& name) {
  Job* job = Find(name);
  if (!job) return nullptr;
  if (!job->published) job->published = std::make_shared<const schedule::ScheduledJob>(job->sched);
  return job->published;
}

JobRunner::Job* JobRunner::Find(const std::string& name) {
  auto it = jobs_.find(name);
  return it == jobs_.end() ? nullptr : it->second.get();
}

void JobRunner::Changed(Job& job) {
  job.published.reset();
  changed_();
}

// Cheap when nothing is due: one clock reading against the earliest tick.
void JobRunner::Poll() {
  if (shutting_down_ || jobs_.empty()) return;
  const WallTime now = io_.time->WallNow();
  if (!clock_changed_ && (!earliest_ || now < *earliest_)) return;
  clock_changed_ = false;
  for (auto& [name, job] : jobs_) Wake(*job, now);
  Rearm();
}

void JobRunner::Wake(Job& job, WallTime now) {
  const std::optional<schedule::Instant> before = job.sched.next_run();
  const schedule::JobWake w = job.sched.OnWake(now);
  const std::string& name = job.spec->name;
  if (w.clock_reset) {
    log::Warn("the wall clock went back by more than 3 hours; the schedule starts again from now",
              {{"process", name}});
  }
  if (w.tick && w.tick->missed > 0) {
    log::Info("scheduled ticks missed (suspend or clock jump): one run stands for them",
              {{"process", name}, {"missed", w.tick->missed}});
  }
  if (w.paused) log::Debug("scheduled tick dropped: the job is paused", {{"process", name}});
  if (w.skipped) {
    log::Warn("scheduled run skipped: schedule_max_concurrent runs are still active",
              {{"process", name},
               {"run", w.skipped->id},
               {"active", static_cast<int64_t>(job.sched.active_runs().size())}});
    PublishRun(EventType::kJobRunFinished, job, *w.skipped, 0);
  }
  if (w.start) StartRun(job, *w.start, RunTrigger::kSchedule);
  if (w.tick || w.next != before) Changed(job);
}

void JobRunner::StartRun(Job& job, int64_t id, RunTrigger trigger) {
  const config::ProcessSpec& spec = *job.spec;
  const std::string run_id = std::to_string(id);
  job.request.extra_env = {
      "PHPEEK_PM_SCHEDULED=true", "PHPEEK_PM_RUN_ID=" + run_id,
      "PHPEEK_PM_INSTANCE_ID=" + spec.name + "-run-" + run_id,
      "PHPEEK_PM_SCHEDULE=" + spec.schedule,
      "PHPEEK_PM_START_TIME=" + std::to_string(UnixSeconds(io_.time->WallNow()))};
  const process::SpawnResult r = io_.spawner->Spawn(job.request);
  Changed(job);
  if (r.pid <= 0) {
    log::Error("cannot start scheduled run",
               {{"process", spec.name}, {"run", id}, {"error", r.error_text}});
    // The shell's conventions, as for instances: 127 not found, 126 found but not executable.
    FinishRun(job, id, RunOutcome{r.error == ENOENT ? 127 : 126, std::nullopt, false}, Millis(0));
    return;
  }
  auto run = std::make_unique<Run>();
  run->job = &job;
  run->id = id;
  run->pid = r.pid;
  run->spawned_at = io_.time->Now();
  Run& ref = *run;
  job.runs.emplace(id, std::move(run));
  by_pid_[r.pid] = &ref;
  WatchOutput(ref, r);
  log::Info("scheduled run started", {{"process", spec.name},
                                      {"run", id},
                                      {"trigger", schedule::ToString(trigger)},
                                      {"pid", r.pid}});
  ArmTimeout(ref);
  if (auto active = job.sched.FindRun(id)) {
    PublishRun(EventType::kJobRunStarted, job, *active, r.pid);
  }
}

// schedule_timeout: the run is stopped (and recorded as a timeout) once it has run that long.
void JobRunner::ArmTimeout(Run& run) {
  const config::ProcessSpec& spec = *run.job->spec;
  if (!spec.schedule_timeout) return;
  run.timeout_timer = io_.loop->AddTimer(run.spawned_at + *spec.schedule_timeout, [this, &run] {
    run.timeout_timer = 0;
    log::Warn("scheduled run exceeded schedule_timeout; stopping it",
              {{"process", run.job->spec->name},
               {"run", run.id},
               {"pid", run.pid},
               {"timeout_ms", run.job->spec->schedule_timeout->count()}});
    StopRun(run, true, std::nullopt);
  });
}

void JobRunner::WatchOutput(Run& run, const process::SpawnResult& r) {
  const std::string& name = run.job->spec->name;
  ChildOutput::Source source{run.job->log_pipeline, {{"process", name}, {"run", run.id}}, {}};
  if (io_.history != nullptr) {
    source.history = {
        io_.history, io_.history->Register(name, name), {{"run", std::to_string(run.id), true}}};
  }
  run.output.Watch(*io_.loop, r.stdout_fd, r.stderr_fd, source);
}

// The stop signal to the run's group (with SIGCONT, in case it is stopped), then SIGKILL after the
// process's shutdown.timeout, or at `deadline` when that is earlier. Called again for a run that
// is stopping already, it only brings the SIGKILL forward.
void JobRunner::StopRun(Run& run, bool timed_out, std::optional<Clock::time_point> deadline) {
  run.timed_out = run.timed_out || timed_out;
  Clock::time_point kill_at = io_.time->Now() + run.job->spec->shutdown.timeout;
  if (deadline && *deadline < kill_at) kill_at = *deadline;
  if (!run.stopping) {
    run.stopping = true;
    io_.children->Signal(-run.pid, run.job->spec->shutdown.signal);
    io_.children->Signal(-run.pid, SIGCONT);
  } else if (run.kill_timer == 0 || kill_at >= run.kill_at) {
    return;  // SIGKILL sent already, or due no later
  } else {
    io_.loop->CancelTimer(run.kill_timer);
  }
  run.kill_at = kill_at;
  run.kill_timer = io_.loop->AddTimer(kill_at, [this, &run] {
    run.kill_timer = 0;
    log::Warn("scheduled run did not stop in time; sending SIGKILL to its group",
              {{"process", run.job->spec->name}, {"run", run.id}, {"pid", run.pid}});
    io_.children->Signal(-run.pid, SIGKILL);
  });
}

bool JobRunner::OnChildChange(const process::ChildChange& change) {
  auto it = by_pid_.find(change.pid);
  if (it == by_pid_.end()) return false;
  if (WIFSTOPPED(change.status) || WIFCONTINUED(change.status)) return true;
  Run* run = it->second;
  by_pid_.erase(it);
  OnRunExit(*run, change.status);
  return true;
}

void JobRunner::OnRunExit(Run& run, int status) {
  // Whatever is left of its group goes with it, as for instances.
  io_.children->Signal(-run.pid, SIGKILL);
  io_.loop->CancelTimer(run.timeout_timer);
  io_.loop->CancelTimer(run.kill_timer);
  run.output.Close();
  RunOutcome outcome;
  outcome.timed_out = run.timed_out;
  if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
  } else {
    outcome.exit_code = WEXITSTATUS(status);
  }
  const auto took = std::chrono::duration_cast<Millis>(io_.time->Now() - run.spawned_at);
  Job& job = *run.job;
  const int64_t id = run.id;
  const pid_t pid = run.pid;
  job.runs.erase(id);  // `run` is gone from here on
  FinishRun(job, id, outcome, took);
  if (auto done = job.sched.FindRun(id)) PublishRun(EventType::kJobRunFinished, job, *done, pid);
  if (job.runs.empty()) {
    std::erase_if(retired_, [&job](const std::unique_ptr<Job>& j) { return j.get() == &job; });
  }
}

void JobRunner::FinishRun(Job& job, int64_t id, const RunOutcome& outcome, Millis took) {
  job.sched.RunFinished(id, outcome, io_.time->WallNow(), took);
  Changed(job);
  const std::optional<RunRecord> done = job.sched.FindRun(id);
  if (!done || !done->result) return;
  const log::Level level =
      *done->result == schedule::RunResult::kSuccess ? log::Level::kInfo : log::Level::kWarn;
  const log::Field ending = done->signal ? log::Field("signal", SignalName(*done->signal))
                                         : log::Field("exit_code", ExitCodeOr(*done, -1));
  log::Write(level, "scheduled run finished",
             {{"process", job.spec->name},
              {"run", id},
              {"result", schedule::ToString(*done->result)},
              ending,
              {"duration_ms", done->duration_ms.value_or(0)}});
}

void JobRunner::PublishRun(EventType type, const Job& job, const RunRecord& run, pid_t pid) {
  Event e;
  e.type = type;
  e.process = job.spec->name;
  e.pid = pid;
  e.run_id = run.id;
  e.run_trigger = schedule::ToString(run.trigger);
  if (type == EventType::kJobRunFinished) {
    e.exit_code = ExitCodeOr(run, -1);
    e.signal = run.signal.value_or(0);
    e.run_result = run.result ? schedule::ToString(*run.result) : "";
    e.duration_ms = run.duration_ms.value_or(0);
  }
  io_.bus->Publish(std::move(e));
}

JobReply JobRunner::Apply(JobOp op, const std::string& name) {
  Job* job = Find(name);
  if (!job) return {ControlResult::kNotFound, 0, "no scheduled job '" + name + "'"};
  if (shutting_down_) return {ControlResult::kStopping, 0, "the daemon is shutting down"};
  const WallTime now = io_.time->WallNow();
  JobReply reply;
  switch (op) {
    case JobOp::kPause:
      if (job->sched.Pause()) log::Info("schedule paused", {{"process", name}});
      break;
    case JobOp::kResume:
      if (job->sched.Resume(now)) log::Info("schedule resumed", {{"process", name}});
      break;
    case JobOp::kTrigger: {
      const std::optional<int64_t> id = job->sched.Trigger(now);
      if (!id) {
        const int limit = job->spec->schedule_max_concurrent;
        return {ControlResult::kState, 0,
                std::to_string(job->sched.active_runs().size()) + " run(s) of '" + name +
                    "' are active, the schedule_max_concurrent limit (" + std::to_string(limit) +
                    ")"};
      }
      reply.run_id = *id;
      StartRun(*job, *id, RunTrigger::kManual);
      break;
    }
  }
  Changed(*job);
  Rearm();
  return reply;
}

void JobRunner::Start(const std::string& name) { Apply(JobOp::kResume, name); }

void JobRunner::Stop(const std::string& name) {
  Job* job = Find(name);
  if (!job) return;
  Apply(JobOp::kPause, name);
  for (auto& [id, run] : job->runs) StopRun(*run, false, std::nullopt);
}

void JobRunner::BeginShutdown(Clock::time_point deadline) {
  shutting_down_ = true;
  shutdown_deadline_ = deadline;
  if (timer_fd_ >= 0) {
    itimerspec off{};
    timerfd_settime(timer_fd_, 0, &off, nullptr);
  }
  for (auto& [name, job] : jobs_) {
    for (auto& [id, run] : job->runs) StopRun(*run, false, deadline);
  }
  for (auto& job : retired_) {
    for (auto& [id, run] : job->runs) StopRun(*run, false, deadline);
  }
}

void JobRunner::KillAll() {
  for (auto& [pid, run] : by_pid_) io_.children->Signal(-pid, SIGKILL);
}

// The timer fired (it is one-shot, so it is armed again), or read() says ECANCELED: the wall
// clock was set, or the machine resumed from suspend; every job is then asked (Poll).
void JobRunner::OnTimerFd() {
  uint64_t expirations = 0;
  if (read(timer_fd_, &expirations, sizeof expirations) < 0) {
    if (errno != ECANCELED) return;  // EAGAIN: woken for nothing
    log::Info("the wall clock changed; scheduled jobs re-planned");
    clock_changed_ = true;
  }
  armed_for_.reset();
  Poll();
  Rearm();
}

// Finds the earliest tick of any job; the timer is set again only when that changed.
void JobRunner::Rearm() {
  earliest_.reset();
  for (const auto& [name, job] : jobs_) {
    const auto next = job->sched.next_run();
    if (next && (!earliest_ || *next < *earliest_)) earliest_ = *next;
  }
  if (timer_fd_ < 0 || shutting_down_ || earliest_ == armed_for_) return;
  armed_for_ = earliest_;
  itimerspec spec{};
  if (earliest_) {
    const auto at = io_.time->SystemTimeAt(*earliest_).time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(at);
    spec.it_value.tv_sec = static_cast<time_t>(secs.count());
    spec.it_value.tv_nsec = static_cast<long>(std::chrono::nanoseconds(at - secs).count());
    if (spec.it_value.tv_sec <= 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, nullptr) !=
      0) {
    log::Error("cannot arm the scheduler's timer", {{"error", std::strerror(errno)}});
  }
}

}  // namespace phpeek::supervisor
