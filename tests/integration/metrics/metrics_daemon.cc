#include "tests/integration/metrics/metrics_daemon.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <regex>
#include <sstream>

namespace phpeek::metrics::testing {

using phpeek::testing::ChildrenOf;
using phpeek::testing::Daemon;
using phpeek::testing::EnvironOf;
using phpeek::testing::WaitUntil;

Http Request(int port, const std::string& method, const std::string& path,
             const std::string& body) {
  Http out;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!body.empty()) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    out.status = resp.getStatus();
    out.content_type = resp.getContentType();
    Poco::StreamCopier::copyToString(in, out.body);
  } catch (const std::exception&) {
    out.status = 0;  // not listening (yet)
  }
  return out;
}

std::map<std::string, double> ParseSeries(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

int LoggedMetricsPort(const Daemon& daemon, std::chrono::milliseconds deadline) {
  static const std::regex kLine(R"(serving Prometheus metrics on https?://(\S+):([0-9]+)/)");
  int port = 0;
  WaitUntil(
      [&] {
        std::smatch m;
        const std::string log = daemon.Log();
        if (std::regex_search(log, m, kLine)) port = std::stoi(m[2].str());
        return port != 0 || !phpeek::testing::ProcessExists(daemon.pid());  // exited: no wait
      },
      deadline);
  return port;
}

MetricsDaemon::MetricsDaemon(const std::string& processes, MetricsDaemonOptions options) {
  std::string globals =
      "  log_format: text\n  shutdown_timeout: 5s\n  restart_backoff_initial: 2s\n";
  if (options.api) {
    api_port_ = phpeek::testing::FreePort();
    globals += "  api_enabled: true\n  api_port: " + std::to_string(api_port_) + "\n";
  } else {
    globals += "  api_enabled: false\n";
  }
  globals += "  metrics_enabled: true\n  metrics_port: 0\n" + options.extra_globals;
  const std::string config = dir_.Write(
      "phpeek-pm.yaml", "version: \"1.0\"\nglobal:\n" + globals + "processes:\n" + processes);
  daemon_ = std::make_unique<Daemon>(std::vector<std::string>{"serve", "-c", config}, options.env);
  metrics_port_ = LoggedMetricsPort(*daemon_);
}

std::optional<double> MetricsDaemon::Value(const std::string& series) const {
  const auto all = Series();
  const auto it = all.find(series);
  return it == all.end() ? std::nullopt : std::optional<double>(it->second);
}

bool MetricsDaemon::WaitValue(const std::string& series, double want,
                              std::chrono::milliseconds deadline) const {
  return WaitUntil([&] { return Value(series) == want; }, deadline);
}

Http MetricsDaemon::Api(const std::string& method, const std::string& path,
                        const std::string& body) {
  return Request(api_port_, method, path, body);
}

pid_t MetricsDaemon::PidOf(const std::string& id) const {
  for (pid_t child : ChildrenOf(daemon_->pid())) {
    const auto env = EnvironOf(child);
    const auto it = env.find("PHPEEK_PM_INSTANCE_ID");
    if (it != env.end() && it->second == id) return child;
  }
  return 0;
}

std::string Up(const std::string& name, const std::string& instance) {
  return "phpeek_pm_process_up{name=\"" + name + "\",instance=\"" + instance + "\"}";
}

std::string Restarts(const std::string& name, const std::string& reason) {
  return "phpeek_pm_process_restarts_total{name=\"" + name + "\",reason=\"" + reason + "\"}";
}

}  // namespace phpeek::metrics::testing
