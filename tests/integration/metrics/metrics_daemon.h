// The real daemon with the metrics plugin, for the metrics integration tests: a config written to
// a temp file with `metrics_port: 0`, the bound port read back from the daemon's log, scrapes
// parsed into series.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "tests/support/test_support.h"

namespace phpeek::metrics::testing {

struct Http {
  int status = 0;  // 0: no answer
  std::string content_type;
  std::string body;
};

// One request over a fresh Poco session (10 s timeout).
Http Request(int port, const std::string& method, const std::string& path,
             const std::string& body = "");

// "series{labels}" -> value, from a text exposition.
std::map<std::string, double> ParseSeries(const std::string& text);

// The port in the daemon's "serving Prometheus metrics on http[s]://HOST:PORT/..." line, waiting
// for it up to `deadline`; 0 when it did not appear.
int LoggedMetricsPort(const phpeek::testing::Daemon& daemon,
                      std::chrono::milliseconds deadline = std::chrono::seconds(10));

struct MetricsDaemonOptions {
  std::string extra_globals;  // more `global:` lines, each indented by two spaces
  // The REST API as the control path. Its port comes from FreePort(): the core still refuses
  // `api_port: 0`.
  bool api = false;
  std::map<std::string, std::string> env;
};

class MetricsDaemon {
 public:
  explicit MetricsDaemon(const std::string& processes, MetricsDaemonOptions options = {});

  phpeek::testing::Daemon& daemon() { return *daemon_; }
  // The bound metrics port (0 when the daemon never logged it; the test then fails on requests).
  int metrics_port() const { return metrics_port_; }
  std::string Scrape() const { return Request(metrics_port_, "GET", "/metrics").body; }
  std::map<std::string, double> Series() const { return ParseSeries(Scrape()); }
  std::optional<double> Value(const std::string& series) const;
  bool WaitValue(const std::string& series, double want,
                 std::chrono::milliseconds deadline = std::chrono::seconds(15)) const;
  Http Api(const std::string& method, const std::string& path, const std::string& body = "");
  // The pid of instance `id`, found among the daemon's children by PHPEEK_PM_INSTANCE_ID.
  pid_t PidOf(const std::string& id) const;

 private:
  phpeek::testing::TempDir dir_;
  int api_port_ = 0;
  std::unique_ptr<phpeek::testing::Daemon> daemon_;
  int metrics_port_ = 0;
};

std::string Up(const std::string& name, const std::string& instance);
std::string Restarts(const std::string& name, const std::string& reason);

}  // namespace phpeek::metrics::testing
