// The real phpeek-pm daemon with the rest-api plugin on 127.0.0.1, `api_port: 0` (the daemon picks
// a free port and logs it; no guessing), plus small HTTP and JSON helpers for the tests that drive
// it.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Poco/JSON/Object.h"
#include "tests/support/http_test_client.h"
#include "tests/support/test_support.h"

namespace phpeek::rest::itest {

using phpeek::testing::http::RawExchange;
using phpeek::testing::http::Reply;

class ApiDaemon {
 public:
  // `globals`: extra lines for the `global:` block; `processes`: the body of `processes:`. Both
  // are YAML lines already indented by two spaces.
  ApiDaemon(const std::string& globals, const std::string& processes,
            const std::map<std::string, std::string>& env = {});

  // The port the daemon logged ("Management API listening on http[s]://127.0.0.1:PORT"); 0 before.
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The daemon's configuration (api_port: 0).
  const std::string& config_path() const { return config_path_; }
  // The same configuration with api_port set to the bound port, for clients that find the API
  // through the configuration file (phpeek-pm status -c).
  std::string ClientConfigPath() const;
  phpeek::testing::Daemon& daemon() { return *daemon_; }
  const phpeek::testing::TempDir& dir() const { return dir_; }
  bool ready() const { return ready_; }

  Reply Call(const std::string& method, const std::string& target, const std::string& body = "",
             const std::map<std::string, std::string>& headers = {}) const;
  // GET /api/v1/processes/{name}, parsed; nullptr when not 200.
  Poco::JSON::Object::Ptr Process(const std::string& name,
                                  const std::map<std::string, std::string>& headers = {}) const;

 private:
  phpeek::testing::TempDir dir_;
  int port_ = 0;
  std::string config_text_;
  std::string config_path_;
  std::unique_ptr<phpeek::testing::Daemon> daemon_;
  bool ready_ = false;
};

// `global:` lines that run the rest-api plugin in a helper process (isolation: process) when the
// suite runs in that mode (PHPEEK_TEST_PLUGIN_ISOLATION=process, set by the "isolated." copies of
// these tests in CMakeLists.txt); empty otherwise.
std::string IsolationLines();

// The port of the daemon's "Management API listening on http[s]://HOST:PORT" line; 0 when absent.
int ListeningPort(const std::string& log);

Poco::JSON::Object::Ptr ParseObject(const std::string& json);
// Pids of the process's instances in state "running".
std::vector<int> RunningPids(const Poco::JSON::Object::Ptr& process);

}  // namespace phpeek::rest::itest
