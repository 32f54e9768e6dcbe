#include "plugins/metrics/families.h"

#include <algorithm>
#include <charconv>

#include "plugins/metrics/job_families.h"

namespace phpeek::metrics {
namespace {

constexpr const char* kRunning = "running";

Family Gauge(const char* name, const char* help) {
  return Family{name, help, MetricType::kGauge, {}};
}
Family Counter(const char* name, const char* help) {
  return Family{name, help, MetricType::kCounter, {}};
}

// The per-process families (labels name=..., and instance=... for per-instance ones).
struct ProcessFamilies {
  Family up = Gauge("phpeek_pm_process_up", "Whether the instance is running (1) or not (0).");
  Family restarts = Counter("phpeek_pm_process_restarts_total",
                            "Restarts of the process's instances by reason (crash, normal_exit, "
                            "health_check, manual).");
  Family start_time = Gauge("phpeek_pm_process_start_time_seconds",
                            "Unix time the instance's current process was started.");
  Family last_exit =
      Gauge("phpeek_pm_process_last_exit_code",
            "Exit status of the instance's last exit (128+N when killed by signal N).");
  Family desired = Gauge("phpeek_pm_process_desired_scale",
                         "Number of instances the supervisor means to keep running (0 while the "
                         "process is disabled, held stopped or done).");
  Family current = Gauge("phpeek_pm_process_current_scale", "Number of instances running.");
  Family cpu = Counter("phpeek_pm_process_cpu_seconds_total",
                       "CPU time (user+system, reaped children included) of the instance's whole "
                       "process group, in seconds.");
  Family memory = Gauge("phpeek_pm_process_memory_bytes",
                        "Memory of the instance's whole process group, by type (rss).");
  Family fds = Gauge("phpeek_pm_process_file_descriptors",
                     "Open file descriptors of the instance's whole process group.");
  // The original's health-check families, per instance (an `instance` label added).
  Family check_status = Gauge("phpeek_pm_health_check_status",
                              "Health of the instance as its check decides (1 healthy, 0 unknown "
                              "or unhealthy).");
  Family check_total = Counter("phpeek_pm_health_check_total",
                               "Health check attempts of the instance by result (success, "
                               "failure).");
  Family check_duration = Family{"phpeek_pm_health_check_duration_seconds",
                                 "Duration of the instance's health check attempts, in seconds.",
                                 MetricType::kHistogram,
                                 {}};
  Family check_fails = Gauge("phpeek_pm_health_check_consecutive_fails",
                             "Consecutive failed health check attempts of the instance.");

  // An instance's labels, rendered once for all its samples; reused from one instance to the next.
  std::string by_name;     // name="<process>",instance="<id>"
  std::string by_process;  // process="<process>",instance="<id>"
  std::string rss;         // by_process plus type="rss"
};

// Only what was read whole: a group with an unreadable member has no resource series at all, one
// with an unreadable fd directory no descriptor count.
void AddResources(const GroupUsage& u, ProcessFamilies* f) {
  if (!u.complete) return;
  f->cpu.AddRendered(f->by_process, u.cpu_seconds);
  f->rss = f->by_process;
  AppendLabel(&f->rss, "type", "rss");
  f->memory.AddRendered(f->rss, static_cast<double>(u.rss_bytes));
  if (u.fds_known) f->fds.AddRendered(f->by_process, static_cast<double>(u.open_fds));
}

void AddHealthCheck(const std::string& process, const std::string& instance,
                    const HealthCheckSnapshot& h, ProcessFamilies* f) {
  const Labels labels = {{"name", process}, {"type", h.type}, {"instance", instance}};
  f->check_status.Add(labels, h.health == "healthy" ? 1 : 0);
  Labels success = labels, failure = labels;
  success.emplace_back("status", "success");
  failure.emplace_back("status", "failure");
  f->check_total.Add(std::move(success), static_cast<double>(h.passed));
  f->check_total.Add(std::move(failure), static_cast<double>(h.failed));
  std::vector<std::pair<double, double>> buckets;
  for (const auto& [le, count] : h.buckets) buckets.emplace_back(le, static_cast<double>(count));
  f->check_duration.AddHistogram(labels, buckets, h.duration_sum,
                                 static_cast<double>(h.passed + h.failed));
  f->check_fails.Add({{"name", process}, {"instance", instance}},
                     static_cast<double>(h.consecutive_failures));
}

void AddInstance(const std::string& process, const InstanceSnapshot& inst,
                 const std::unordered_map<pid_t, GroupUsage>& usage, ProcessFamilies* f) {
  f->by_name.clear();
  AppendLabel(&f->by_name, "name", process);
  AppendLabel(&f->by_name, "instance", inst.id);
  f->by_process.clear();
  AppendLabel(&f->by_process, "process", process);
  AppendLabel(&f->by_process, "instance", inst.id);
  const bool running = inst.state == kRunning;
  f->up.AddRendered(f->by_name, running ? 1 : 0);
  if (inst.pid > 0 && inst.started_at && *inst.started_at > 0) {  // 0: never started
    f->start_time.AddRendered(f->by_name, *inst.started_at);
  }
  if (const auto code = PublishedExitCode(inst)) {
    f->last_exit.AddRendered(f->by_name, static_cast<double>(*code));
  }
  if (inst.pid > 0) {
    const auto it = usage.find(inst.pid);
    if (it != usage.end()) AddResources(it->second, f);
  }
  if (inst.health_check) AddHealthCheck(process, inst.id, *inst.health_check, f);
}

void AddProcess(const ProcessSnapshot& proc, const Collector& collector,
                const std::unordered_map<pid_t, GroupUsage>& usage, ProcessFamilies* f) {
  int running = 0;
  for (const InstanceSnapshot& inst : proc.instances) {
    if (inst.state == kRunning) ++running;
    AddInstance(proc.name, inst, usage, f);
  }
  const RestartCounts restarts = collector.Restarts(proc.name);
  for (int reason = 0; reason < kRestartReasonCount; ++reason) {
    f->restarts.Add({{"name", proc.name}, {"reason", RestartReasonName(reason)}},
                    static_cast<double>(restarts[reason]));
  }
  f->desired.Add({{"name", proc.name}}, static_cast<double>(DesiredScale(proc)));
  f->current.Add({{"name", proc.name}}, running);
}

}  // namespace

std::optional<int64_t> InstanceIndex(const std::string& process, const std::string& id) {
  if (id.size() <= process.size() + 1 || id.compare(0, process.size(), process) != 0 ||
      id[process.size()] != '-') {
    return std::nullopt;
  }
  int64_t index = 0;
  const char* begin = id.data() + process.size() + 1;
  const char* end = id.data() + id.size();
  const auto res = std::from_chars(begin, end, index);
  if (res.ec != std::errc() || res.ptr != end) return std::nullopt;
  return index;
}

int64_t DesiredScale(const ProcessSnapshot& process) {
  int64_t desired = 0;
  for (const InstanceSnapshot& inst : process.instances) {
    if (inst.state == "stopped" || inst.state == "completed") continue;
    const std::optional<int64_t> index = InstanceIndex(process.name, inst.id);
    if (index && *index >= process.scale) continue;  // retiring after a scale-down
    ++desired;
  }
  return std::min(desired, process.scale);
}

std::unordered_set<pid_t> LiveGroups(const std::vector<ProcessSnapshot>& processes) {
  std::unordered_set<pid_t> groups;
  for (const ProcessSnapshot& proc : processes) {
    for (const InstanceSnapshot& inst : proc.instances) {
      if (inst.pid > 0) groups.insert(inst.pid);
    }
  }
  return groups;
}

std::unordered_set<std::string> InstanceIds(const std::vector<ProcessSnapshot>& processes) {
  std::unordered_set<std::string> ids;
  for (const ProcessSnapshot& proc : processes) {
    for (const InstanceSnapshot& inst : proc.instances) ids.insert(inst.id);
  }
  return ids;
}

std::optional<int64_t> PublishedExitCode(const InstanceSnapshot& inst) {
  if (inst.last_signal && *inst.last_signal > 0) return 128 + *inst.last_signal;
  if (inst.last_exit_code && *inst.last_exit_code >= 0) return inst.last_exit_code;
  return std::nullopt;
}

std::vector<Family> BuildFamilies(const std::vector<ProcessSnapshot>& processes,
                                  const Collector& collector,
                                  const std::unordered_map<pid_t, GroupUsage>& usage,
                                  const DaemonInfo& daemon) {
  ProcessFamilies f;
  for (const ProcessSnapshot& proc : processes) AddProcess(proc, collector, usage, &f);

  std::vector<Family> out;
  out.push_back(Gauge("phpeek_pm_build_info", "Build information of the running phpeek-pm.")
                    .Add({{"version", daemon.version}}, 1));
  Family start =
      Gauge("phpeek_pm_manager_start_time_seconds", "Unix time the phpeek-pm daemon was started.");
  if (daemon.start_time_seconds) start.Add({}, *daemon.start_time_seconds);
  out.push_back(std::move(start));
  out.push_back(Gauge("phpeek_pm_manager_process_count", "Number of configured processes.")
                    .Add({}, static_cast<double>(processes.size())));
  for (Family* family :
       {&f.up, &f.restarts, &f.start_time, &f.last_exit, &f.desired, &f.current, &f.cpu, &f.memory,
        &f.fds, &f.check_status, &f.check_total, &f.check_duration, &f.check_fails}) {
    out.push_back(std::move(*family));
  }
  AddJobFamilies(processes, &out);
  return out;
}

}  // namespace phpeek::metrics
