// metrics_tls and metrics_acl on a real daemon: Prometheus scrapes over https with a client
// certificate, and the access list's 403 (the code is the Management API's:
// plugins/common/security).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/metrics/metrics_daemon.h"
#include "tests/support/test_certificates.h"

namespace phpeek::metrics::testing {
namespace {

using phpeek::testing::RunCommand;
using phpeek::testing::RunResult;

RunResult CurlMetrics(const std::vector<std::string>& args, const std::string& url) {
  std::vector<std::string> argv = {"curl", "-sS", "--max-time", "5", "-w", " %{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  return RunCommand(argv, {}, std::chrono::seconds(10));
}

TEST(MetricsTls, ScrapesOverMutualTlsOnly) {
  phpeek::testing::TempDir dir;
  const phpeek::testing::TestCertificates c = phpeek::testing::MakeTestCertificates(dir);
  ASSERT_EQ(c.error, "");
  MetricsDaemonOptions options;
  options.extra_globals = "  metrics_tls:\n    enabled: true\n    cert_file: " + c.server_cert +
                          "\n    key_file: " + c.server_key + "\n    ca_file: " + c.ca_cert +
                          "\n    client_auth: require\n    min_version: \"1.3\"\n";
  MetricsDaemon d("  web:\n    command: [\"sleep\", \"600\"]\n", options);
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  const std::string url = "https://127.0.0.1:" + std::to_string(d.metrics_port()) + "/metrics";
  EXPECT_TRUE(d.daemon().LogContains("serving Prometheus metrics on " + url));
  const RunResult scrape =
      CurlMetrics({"--cacert", c.ca_cert, "--cert", c.client_cert, "--key", c.client_key}, url);
  EXPECT_EQ(scrape.exit_code, 0) << scrape.err;
  EXPECT_NE(scrape.out.find("phpeek_pm_process_up"), std::string::npos) << scrape.out;
  EXPECT_NE(CurlMetrics({"--cacert", c.ca_cert}, url).exit_code, 0);
}

TEST(MetricsTls, TheAccessListRefusesWith403) {
  MetricsDaemonOptions options;
  options.extra_globals =
      "  metrics_acl:\n    enabled: true\n    mode: deny\n    deny_list: [\"127.0.0.0/8\"]\n";
  MetricsDaemon d("  web:\n    command: [\"sleep\", \"600\"]\n", options);
  ASSERT_GT(d.metrics_port(), 0) << d.daemon().Log();
  const Http r = Request(d.metrics_port(), "GET", "/metrics");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body,
            R"({"error":"forbidden","detail":"the client address 127.0.0.1 is not allowed by )"
            R"(metrics_acl"})");
}

}  // namespace
}  // namespace phpeek::metrics::testing
