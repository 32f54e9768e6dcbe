// The thread-safe face of the engine: Control calls are validated here, queued into the inbox and
// answered at once; status comes from the last published snapshot.
#include "core/supervisor/supervisor.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "core/config/signal_names.h"
#include "core/log/log.h"
#include "core/process/children.h"
#include "core/process/spawner.h"
#include "core/process_logs/history.h"
#include "core/schedule/scheduled_job.h"
#include "core/supervisor/commands.h"
#include "core/supervisor/engine.h"
#include "core/supervisor/events.h"
#include "core/supervisor/test_hooks.h"

namespace phpeek {

const char* ToString(ControlResult result) {
  switch (result) {
    case ControlResult::kAccepted:
      return "accepted";
    case ControlResult::kInvalidArgument:
      return "invalid argument";
    case ControlResult::kNotFound:
      return "not found";
    case ControlResult::kStopping:
      return "stopping";
    case ControlResult::kState:
      return "state";
    case ControlResult::kTimeout:
      return "timeout";
  }
  return "unknown";
}

class Supervisor::Impl {
 public:
  Impl(std::shared_ptr<const config::Config> c, const supervisor::TestHooks& hooks)
      : current(c),
        history(supervisor::HistoryLimitsFor(c->global)),
        spawner(!hooks.posix_spawn_only),
        accelerated(hooks.wall_start ? std::make_unique<supervisor::AcceleratedWallTime>(
                                           *hooks.wall_start, hooks.wall_speed)
                                     : nullptr),
        engine(c, {&spawner, &children, accelerated ? accelerated.get() : &supervisor::SteadyTime(),
                   &inbox, &bus, &snapshots, &stopping, [this] { OnReloadSignal(); },
                   [this](const auto& before, const auto& after) { OnApplied(before, after); },
                   &gate, &history}) {
    if (hooks.stall_for.count() > 0) engine.StallOnce(hooks.stall_after, hooks.stall_for);
  }
  ~Impl() {
    std::lock_guard<std::mutex> lock(worker_mu);
    if (worker.joinable()) worker.join();
  }

  // The configuration in force, for validating commands on any thread.
  std::shared_ptr<const config::Config> Current() const {
    std::lock_guard<std::mutex> lock(config_mu);
    return current;
  }

  const config::ProcessSpec* Find(const config::Config& config, std::string_view name) const {
    for (const auto& p : config.processes) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }

  reload::ReloadResult StartReload(std::chrono::milliseconds wait);
  void LoadAndSubmit(const std::shared_ptr<supervisor::ReloadSlot>& slot);
  void OnReloadSignal();
  void OnApplied(const std::shared_ptr<const config::Config>& before,
                 const std::shared_ptr<const config::Config>& after);

  mutable std::mutex config_mu;
  std::shared_ptr<const config::Config> current;  // guarded by config_mu
  process_logs::LogHistory history;               // before the engine, which writes it
  ReloadSource source;                            // set before Run
  supervisor::ReloadGate gate;
  std::mutex worker_mu;
  std::thread worker;  // reads the file of the latest reload; guarded by worker_mu
  process::PosixSpawner spawner;
  std::unique_ptr<supervisor::AcceleratedWallTime> accelerated;  // PHPEEK_PM_TEST_WALL_CLOCK
  process::SystemChildren children;
  supervisor::CommandInbox inbox;
  supervisor::EventBus bus;
  supervisor::SnapshotStore snapshots;
  std::atomic<bool> stopping{false};
  supervisor::Engine engine;  // last: built from the members above
};

namespace {

reload::ReloadResult Refused(reload::ReloadStatus status, std::string message) {
  reload::ReloadResult r;
  r.status = status;
  r.message = std::move(message);
  log::Warn("configuration reload refused", {{"reason", r.message}});
  return r;
}

}  // namespace

// The file is read on a thread of its own (it may be slow: a big file, user lookups), so neither
// the loop nor the caller's deadline depends on it; the loop then applies it in one turn.
reload::ReloadResult Supervisor::Impl::StartReload(std::chrono::milliseconds wait) {
  using reload::ReloadStatus;
  if (!source.load) {
    return Refused(ReloadStatus::kUnsupported, "this daemon has no configuration file to reload");
  }
  if (stopping.load()) {
    return Refused(ReloadStatus::kStopping, "the daemon is shutting down; reload refused");
  }
  if (!gate.Begin()) {
    return Refused(ReloadStatus::kBusy,
                   "a configuration reload is already in progress; try again once it has ended");
  }
  auto slot = std::make_shared<supervisor::ReloadSlot>();
  {
    std::lock_guard<std::mutex> lock(worker_mu);
    if (worker.joinable()) worker.join();  // the previous reload's thread, ended or ending
    worker = std::thread([this, slot] { LoadAndSubmit(slot); });
  }
  reload::ReloadResult pending;
  pending.status = ReloadStatus::kTimeout;
  pending.message =
      "the reload is under way but had not ended within " + std::to_string(wait.count()) + " ms";
  if (wait.count() <= 0) return pending;
  return slot->Wait(std::chrono::steady_clock::now() + wait).value_or(pending);
}

void Supervisor::Impl::LoadAndSubmit(const std::shared_ptr<supervisor::ReloadSlot>& slot) {
  config::LoadResult loaded = source.load();
  if (!loaded.config) {
    reload::ReloadResult bad;
    bad.status = reload::ReloadStatus::kInvalid;
    for (const config::Diagnostic& d : loaded.diagnostics) {
      if (d.severity == config::Severity::kError) bad.errors.push_back(d);
    }
    bad.message = "the configuration is invalid (" + std::to_string(bad.errors.size()) +
                  " error(s)); nothing was changed";
    log::Error("configuration reload failed: " + bad.message);
    gate.Finish(bad);
    slot->Set(std::move(bad));
    return;
  }
  supervisor::Command c;
  c.reload = std::make_shared<const config::Config>(std::move(*loaded.config));
  c.reload_reply = slot;
  inbox.Push(std::move(c));
}

void Supervisor::Impl::OnReloadSignal() { StartReload(std::chrono::milliseconds(0)); }

void Supervisor::Impl::OnApplied(const std::shared_ptr<const config::Config>& before,
                                 const std::shared_ptr<const config::Config>& after) {
  {
    std::lock_guard<std::mutex> lock(config_mu);
    current = after;
  }
  if (source.applied) source.applied(*before, *after);
}

Supervisor::Supervisor(std::shared_ptr<const config::Config> config)
    : impl_(std::make_unique<Impl>(std::move(config), supervisor::TestHooksFromEnvironment())) {}

Supervisor::Supervisor(const config::Config& config)
    : Supervisor(std::shared_ptr<const config::Config>(&config, [](const config::Config*) {})) {}

Supervisor::~Supervisor() = default;

void Supervisor::EnableReload(ReloadSource source, int64_t startup_unix_ms) {
  impl_->source = std::move(source);
  impl_->gate.SetStartupLoad(startup_unix_ms);
}

reload::ReloadResult Supervisor::ReloadConfig(std::chrono::milliseconds wait) {
  return impl_->StartReload(wait);
}

reload::ReloadStats Supervisor::ReloadStats() const { return impl_->gate.Stats(); }

void Supervisor::BlockSignals() {
  sigset_t set;
  supervisor::FillSupervisedSignals(&set);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A write to a closed pipe or socket (our stdout read by a `| head`, an API client that hung up)
  // must fail with EPIPE, not end the daemon. Children get every signal back at its default.
  signal(SIGPIPE, SIG_IGN);
}

void Supervisor::AddTicker(std::chrono::milliseconds interval, std::function<void()> beat) {
  impl_->engine.AddTicker(interval, std::move(beat));
}

// Once the run is over no line will come any more: followers learn it after what they have.
int Supervisor::Run() {
  const int code = impl_->engine.Run();
  impl_->history.CloseFollowers();
  return code;
}

process_logs::LogHistory* Supervisor::ProcessLogs() { return &impl_->history; }

void Supervisor::RequestShutdown() {
  supervisor::Command c;
  c.shutdown = true;
  impl_->inbox.Push(std::move(c));
}

ControlResult Supervisor::Submit(ControlOp op, std::string_view process, int arg) {
  if (impl_->stopping.load()) return ControlResult::kStopping;
  const std::shared_ptr<const config::Config> config = impl_->Current();
  const config::ProcessSpec* spec = impl_->Find(*config, process);
  if (!spec) return ControlResult::kNotFound;
  if (!spec->enabled && op != ControlOp::kStop) return ControlResult::kInvalidArgument;
  // A scheduled job has runs, not instances: start resumes it, stop pauses it and stops its runs.
  if (!spec->schedule.empty() && op != ControlOp::kStart && op != ControlOp::kStop) {
    return ControlResult::kState;
  }
  if (op == ControlOp::kReload && !spec->reload_signal) return ControlResult::kState;
  if ((op == ControlOp::kSignal || op == ControlOp::kSignalGroup) &&
      !config::IsAcceptedSignal(arg, config::SignalUse::kSend)) {
    return ControlResult::kInvalidArgument;
  }
  const std::optional<ScaleLimit> limit = ScaleLimitOf(process);
  if (op == ControlOp::kScale && (arg < 0 || !limit || arg > limit->value)) {
    return ControlResult::kInvalidArgument;
  }
  supervisor::Command c;
  c.op = op;
  c.process = std::string(process);
  c.arg = arg;
  impl_->inbox.Push(std::move(c));
  return ControlResult::kAccepted;
}

std::optional<ScaleLimit> Supervisor::ScaleLimitOf(std::string_view process) const {
  const std::shared_ptr<const config::Config> config = impl_->Current();
  for (const auto& p : config->processes) {
    if (p.name != process) continue;
    ScaleLimit limit{config->global.max_process_scale, "max_process_scale"};
    if (p.max_scale && *p.max_scale < limit.value) limit = {*p.max_scale, "max_scale"};
    return limit;
  }
  return std::nullopt;
}

std::vector<ProcessStatus> Supervisor::Snapshot() const { return impl_->snapshots.Get(); }

std::optional<ProcessStatus> Supervisor::SnapshotOf(std::string_view process) const {
  return impl_->snapshots.GetOne(process);
}

uint64_t Supervisor::SnapshotGeneration() const { return impl_->snapshots.Generation(); }

ReadinessStatus Supervisor::Readiness() const { return impl_->snapshots.Readiness(); }

void Supervisor::AddListener(EventListener* listener) { impl_->bus.AddListener(listener); }

JobReply Supervisor::ControlJob(JobOp op, std::string_view process,
                                std::chrono::milliseconds wait) {
  if (impl_->stopping.load()) {
    return {ControlResult::kStopping, 0, "the daemon is shutting down"};
  }
  const std::shared_ptr<const config::Config> config = impl_->Current();
  const config::ProcessSpec* spec = impl_->Find(*config, process);
  const std::string who = "process '" + std::string(process) + "'";
  if (!spec) return {ControlResult::kNotFound, 0, "no " + who};
  if (spec->schedule.empty()) {
    return {ControlResult::kState, 0, who + " is not a scheduled job (it has no schedule)"};
  }
  if (!spec->enabled) return {ControlResult::kState, 0, who + " is disabled (enabled: false)"};
  supervisor::Command c;
  c.job_op = op;
  c.process = std::string(process);
  if (wait.count() > 0) c.reply = std::make_shared<supervisor::ReplySlot>();
  const std::shared_ptr<supervisor::ReplySlot> reply = c.reply;
  impl_->inbox.Push(std::move(c));
  if (!reply) return {};
  if (auto answer = reply->Wait(std::chrono::steady_clock::now() + wait)) return *answer;
  return {
      ControlResult::kTimeout, 0,
      "queued, but the supervisor did not answer within " + std::to_string(wait.count()) + " ms"};
}

// Reads the published snapshots: every change of the job (a run's end included) publishes one.
std::optional<schedule::RunRecord> Supervisor::WaitForRun(std::string_view process, int64_t run_id,
                                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const uint64_t generation = impl_->snapshots.Generation();
    const std::optional<ProcessStatus> status = impl_->snapshots.GetOne(process);
    if (!status || !status->job) return std::nullopt;
    const std::optional<schedule::RunRecord> run = status->job->FindRun(run_id);
    if (run && run->result) return run;
    // Shutting down, a run not started (or no longer kept) never ends; an active one will.
    if (!run && impl_->stopping.load()) return std::nullopt;
    if (!impl_->snapshots.WaitNewer(generation, deadline)) return std::nullopt;
  }
}

}  // namespace phpeek
