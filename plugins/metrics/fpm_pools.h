// php-fpm pool metrics: which pools a scrape asks (from the processes' `php_fpm_status`), their
// answers read into families, and the log lines when a pool stops or starts answering.
//
// A pool per instance when the address has `{instance_index}` (replaced by the instance's index,
// as health checks do), series labelled {name, instance}. Without it every instance shares the
// one address (php-fpm behind the daemon's `listen:` socket, or one php-fpm master with scale 1):
// one pool per process, asked once, series labelled {name}, so that sum() does not count a pool
// once per instance. A pool is asked only while an instance has a process (a stopped one is
// `up 0` without a connection attempt).
//
//   phpeek_pm_php_fpm_up                             gauge: 1 answered its status page, else 0
//   phpeek_pm_php_fpm_{active,idle,total}_processes  gauge
//   phpeek_pm_php_fpm_listen_queue, _max_listen_queue  gauge
//   phpeek_pm_php_fpm_accepted_connections_total, _max_children_reached_total,
//   _slow_requests_total                             counter (php-fpm's own, since its start)
// The figures exist only for a pool that answered: never published as 0 when unknown.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "plugins/metrics/exposition.h"
#include "plugins/metrics/fastcgi_client.h"
#include "plugins/metrics/fpm_status.h"
#include "plugins/metrics/snapshot.h"

namespace phpeek::metrics {

struct FpmPool {
  std::string process;
  std::string instance;  // "" when the process's instances share the pool
  std::string address;   // `{instance_index}` replaced
  std::string path;
  bool live = false;  // an instance has a process: worth asking
};

// The pools of the processes with `php_fpm_status`, in configuration (and instance) order.
std::vector<FpmPool> FpmPoolsOf(const std::vector<ProcessSnapshot>& processes);

struct FpmReading {
  bool up = false;
  FpmPoolStatus status;
  std::string error;  // why not up
};

// A FastCGI answer read as the status page: a complete answer, CGI status 200, the JSON figures.
FpmReading ReadFpmAnswer(const fastcgi::Result& answer);

// The families of php-fpm pools (HELP and TYPE also when there is none).
std::vector<Family> FpmFamilies(const std::vector<FpmPool>& pools,
                                const std::vector<FpmReading>& readings);

// Asks the live pools at once (one deadline for all, fastcgi_client.h) and builds the families.
// Says in the log when a live pool stops answering (warn, with the reason; again only when the
// reason changes) and when it answers again (info): once per change, not per scrape. A pool that
// has not answered yet since its process started is said only at its second failed scrape in a row,
// so that a scrape during php-fpm's start-up (before its listen()) is not reported. Thread-safe.
class FpmScraper {
 public:
  using LogFn = std::function<void(int level, const std::string& message)>;

  FpmScraper(LogFn log, fastcgi::FetchLimits limits) : log_(std::move(log)), limits_(limits) {}

  std::vector<Family> Scrape(const std::vector<ProcessSnapshot>& processes);

 private:
  void SayChanges(const std::vector<FpmPool>& pools, const std::vector<FpmReading>& readings);

  LogFn log_;
  fastcgi::FetchLimits limits_;
  std::mutex mu_;
  struct Watch {
    bool answered = false;  // since its process started
    int failures = 0;       // in a row
    std::string said;       // the reason of the "does not answer" in the log, or ""
  };
  std::map<std::string, Watch> watches_;  // live pools by key
};

}  // namespace phpeek::metrics
