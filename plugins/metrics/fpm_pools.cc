#include "plugins/metrics/fpm_pools.h"

#include <utility>

#include "phpeek/plugin_abi.h"
#include "plugins/metrics/families.h"
#include "plugins/metrics/fastcgi_protocol.h"

namespace phpeek::metrics {
namespace {

constexpr std::string_view kIndexPlaceholder = "{instance_index}";
constexpr const char* kStatusQuery = "json";

std::string WithInstanceIndex(std::string_view text, int64_t index) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t found = text.find(kIndexPlaceholder, at);
    out.append(text.substr(at, found - at));
    if (found == std::string_view::npos) return out;
    out += std::to_string(index);
    at = found + kIndexPlaceholder.size();
  }
}

void AddProcessPools(const ProcessSnapshot& proc, std::vector<FpmPool>* out) {
  const FpmStatusConfig& config = *proc.php_fpm_status;
  if (config.address.find(kIndexPlaceholder) == std::string::npos) {
    FpmPool pool{proc.name, "", config.address, config.path, false};
    for (const InstanceSnapshot& inst : proc.instances) pool.live = pool.live || inst.pid > 0;
    out->push_back(std::move(pool));
    return;
  }
  for (const InstanceSnapshot& inst : proc.instances) {
    const std::optional<int64_t> index = InstanceIndex(proc.name, inst.id);
    if (!index) continue;
    out->push_back(FpmPool{proc.name, inst.id, WithInstanceIndex(config.address, *index),
                           config.path, inst.pid > 0});
  }
}

Labels PoolLabels(const FpmPool& pool) {
  if (pool.instance.empty()) return {{"name", pool.process}};
  return {{"name", pool.process}, {"instance", pool.instance}};
}

std::string PoolKey(const FpmPool& pool) {
  return (pool.instance.empty() ? pool.process : pool.instance) + " " + pool.address + pool.path;
}

// "php-fpm pool of php-fpm-0 (127.0.0.1:9000, /status)".
std::string PoolName(const FpmPool& pool) {
  return "php-fpm pool of " + (pool.instance.empty() ? pool.process : pool.instance) + " (" +
         pool.address + ", " + pool.path + ")";
}

}  // namespace

std::vector<FpmPool> FpmPoolsOf(const std::vector<ProcessSnapshot>& processes) {
  std::vector<FpmPool> pools;
  for (const ProcessSnapshot& proc : processes) {
    if (proc.php_fpm_status && !proc.job) AddProcessPools(proc, &pools);
  }
  return pools;
}

FpmReading ReadFpmAnswer(const fastcgi::Result& answer) {
  FpmReading reading;
  if (!answer.ok) {
    reading.error = answer.error;
    return reading;
  }
  fastcgi::CgiResponse cgi;
  if (!fastcgi::ParseCgiResponse(answer.output, &cgi, &reading.error)) return reading;
  if (cgi.status != 200) {
    reading.error = "status page answered " + std::to_string(cgi.status) +
                    (answer.errors.empty() ? "" : " (" + answer.errors + ")") +
                    ": is the path the pool's pm.status_path?";
    return reading;
  }
  reading.up = ParseFpmStatus(cgi.body, &reading.status, &reading.error);
  return reading;
}

std::vector<Family> FpmFamilies(const std::vector<FpmPool>& pools,
                                const std::vector<FpmReading>& readings) {
  auto gauge = [](const char* name, const char* help) {
    return Family{name, help, MetricType::kGauge, {}};
  };
  auto counter = [](const char* name, const char* help) {
    return Family{name, help, MetricType::kCounter, {}};
  };
  Family up = gauge("phpeek_pm_php_fpm_up",
                    "Whether the php-fpm pool answered its status page (1) or not (0: not running, "
                    "unreachable, no answer within the timeout, or not a status page).");
  Family active = gauge("phpeek_pm_php_fpm_active_processes", "php-fpm workers serving a request.");
  Family idle = gauge("phpeek_pm_php_fpm_idle_processes", "php-fpm workers waiting for a request.");
  Family total = gauge("phpeek_pm_php_fpm_total_processes", "php-fpm workers, active and idle.");
  Family queue = gauge("phpeek_pm_php_fpm_listen_queue",
                       "Connections waiting in the pool's listen queue for a free worker.");
  Family max_queue =
      gauge("phpeek_pm_php_fpm_max_listen_queue", "Longest listen queue since the pool started.");
  Family accepted = counter("phpeek_pm_php_fpm_accepted_connections_total",
                            "Connections the pool accepted since it started.");
  Family max_children = counter("phpeek_pm_php_fpm_max_children_reached_total",
                                "Times the pool reached pm.max_children since it started.");
  Family slow = counter("phpeek_pm_php_fpm_slow_requests_total",
                        "Requests slower than request_slowlog_timeout since the pool started.");
  for (size_t i = 0; i < pools.size() && i < readings.size(); ++i) {
    const Labels labels = PoolLabels(pools[i]);
    up.Add(labels, readings[i].up ? 1 : 0);
    if (!readings[i].up) continue;
    const FpmPoolStatus& s = readings[i].status;
    active.Add(labels, static_cast<double>(s.active_processes));
    idle.Add(labels, static_cast<double>(s.idle_processes));
    total.Add(labels, static_cast<double>(s.total_processes));
    queue.Add(labels, static_cast<double>(s.listen_queue));
    max_queue.Add(labels, static_cast<double>(s.max_listen_queue));
    accepted.Add(labels, static_cast<double>(s.accepted_connections));
    max_children.Add(labels, static_cast<double>(s.max_children_reached));
    slow.Add(labels, static_cast<double>(s.slow_requests));
  }
  std::vector<Family> out;
  for (Family* f :
       {&up, &active, &idle, &total, &queue, &max_queue, &accepted, &max_children, &slow}) {
    out.push_back(std::move(*f));
  }
  return out;
}

std::vector<Family> FpmScraper::Scrape(const std::vector<ProcessSnapshot>& processes) {
  const std::vector<FpmPool> pools = FpmPoolsOf(processes);
  std::vector<fastcgi::Request> requests;
  std::vector<size_t> asked;  // the pool of each request
  for (size_t i = 0; i < pools.size(); ++i) {
    if (!pools[i].live) continue;
    requests.push_back(fastcgi::Request{pools[i].address, pools[i].path, kStatusQuery});
    asked.push_back(i);
  }
  std::vector<FpmReading> readings(pools.size());
  for (FpmReading& r : readings) r.error = "not running";
  const std::vector<fastcgi::Result> answers = fastcgi::FetchAll(requests, limits_);
  for (size_t i = 0; i < asked.size(); ++i) readings[asked[i]] = ReadFpmAnswer(answers[i]);
  SayChanges(pools, readings);
  return FpmFamilies(pools, readings);
}

void FpmScraper::SayChanges(const std::vector<FpmPool>& pools,
                            const std::vector<FpmReading>& readings) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, Watch> now;  // pools not running (or gone) start afresh
  for (size_t i = 0; i < pools.size(); ++i) {
    if (!pools[i].live) continue;
    const std::string key = PoolKey(pools[i]);
    Watch w = watches_[key];
    if (readings[i].up) {
      if (!w.said.empty()) log_(PHPEEK_LOG_INFO, PoolName(pools[i]) + " answers again");
      w = Watch{true, 0, ""};
    } else if (++w.failures >= (w.answered ? 1 : 2) && w.said != readings[i].error) {
      log_(PHPEEK_LOG_WARN, PoolName(pools[i]) + " does not answer: " + readings[i].error +
                                " (phpeek_pm_php_fpm_up 0; said again when the reason changes)");
      w.said = readings[i].error;
    }
    now[key] = w;
  }
  watches_ = std::move(now);
}

}  // namespace phpeek::metrics
