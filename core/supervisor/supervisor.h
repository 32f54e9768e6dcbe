// The Supervisor owns every managed process and the one event loop that drives them: it spawns
// instances, reaps every child (and, as PID 1 or subreaper, every orphan), applies the restart
// policy, scales, orders start-up by depends_on and shuts down in reverse order. It also owns the
// process-log history (global.log_buffer_*) that the engine fills and plugins read. All of its
// state lives on the thread that calls Run(); other threads reach it only through the Control
// interface.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/config/config.h"
#include "core/config/loader.h"
#include "core/supervisor/control.h"

namespace phpeek {

// How the supervisor reloads its configuration (lifecycle.md "Reload"); see EnableReload.
struct ReloadSource {
  // Reads and validates the file again, logging every diagnostic. Runs on a reload thread, never
  // on the supervisor loop.
  std::function<config::LoadResult()> load;
  // Supervisor loop thread, once the new configuration is in force and before plugins hear of it
  // (e.g. the log level). May be empty.
  std::function<void(const config::Config& before, const config::Config& after)> applied;
};

class Supervisor : public Control {
 public:
  explicit Supervisor(std::shared_ptr<const config::Config> config);
  // The config must outlive the supervisor.
  explicit Supervisor(const config::Config& config);
  ~Supervisor() override;
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Blocks the signals the loop takes through signalfd, in the calling thread, and ignores
  // SIGPIPE. Call it in main before any other thread exists, so that every later thread inherits
  // the mask and signals are only ever seen by the loop.
  static void BlockSignals();

  // Before Run: `beat` runs on the loop thread every `interval` for as long as the loop turns, so
  // that a wedged loop stops it (the systemd watchdog ping).
  void AddTicker(std::chrono::milliseconds interval, std::function<void()> beat);

  // Runs the loop: starts processes, supervises, and returns after a shutdown (signal or
  // RequestShutdown) has stopped every child, or when every process has ended for good. Returns
  // the daemon's exit code: 0 clean, 1 when a process failed.
  int Run();

  // Thread-safe: begins a graceful shutdown, as SIGTERM would.
  void RequestShutdown();

  // Before Run: SIGHUP and ReloadConfig read the file through `source` (without it they are
  // refused). `startup_unix_ms`: when the running configuration was loaded (the metrics' last
  // successful load until a reload succeeds).
  void EnableReload(ReloadSource source, int64_t startup_unix_ms);

  // Control.
  ControlResult Submit(ControlOp op, std::string_view process, int arg) override;
  std::optional<ScaleLimit> ScaleLimitOf(std::string_view process) const override;
  std::vector<ProcessStatus> Snapshot() const override;
  std::optional<ProcessStatus> SnapshotOf(std::string_view process) const override;
  uint64_t SnapshotGeneration() const override;
  ReadinessStatus Readiness() const override;
  void AddListener(EventListener* listener) override;
  reload::ReloadResult ReloadConfig(std::chrono::milliseconds wait) override;
  reload::ReloadStats ReloadStats() const override;
  JobReply ControlJob(JobOp op, std::string_view process, std::chrono::milliseconds wait) override;
  std::optional<schedule::RunRecord> WaitForRun(std::string_view process, int64_t run_id,
                                                std::chrono::milliseconds timeout) override;
  process_logs::LogHistory* ProcessLogs() override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace phpeek
