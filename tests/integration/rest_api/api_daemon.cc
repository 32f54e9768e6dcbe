#include "tests/integration/rest_api/api_daemon.h"

#include <cstdlib>
#include <cstring>
#include <istream>

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"

namespace phpeek::rest::itest {

namespace {

const char kListening[] = "Management API listening on ";

}  // namespace

ApiDaemon::ApiDaemon(const std::string& globals, const std::string& processes,
                     const std::map<std::string, std::string>& env) {
  config_text_ =
      "version: \"1.0\"\nglobal:\n  log_format: text\n  api_enabled: true\n  api_port: 0\n" +
      IsolationLines() + globals + "processes:\n" + processes;
  config_path_ = dir_.Write("phpeek-pm.yaml", config_text_);
  daemon_ =
      std::make_unique<phpeek::testing::Daemon>(std::vector<std::string>{"-c", config_path_}, env);
  ready_ = daemon_->WaitForLog(kListening);
  port_ = ListeningPort(daemon_->Log());
  ready_ = ready_ && port_ > 0;
}

std::string ApiDaemon::ClientConfigPath() const {
  std::string text = config_text_;
  const std::string key = "api_port: 0\n";
  text.replace(text.find(key), key.size(), "api_port: " + std::to_string(port_) + "\n");
  return dir_.Write("client.yaml", text);
}

std::string IsolationLines() {
  const char* mode = std::getenv("PHPEEK_TEST_PLUGIN_ISOLATION");
  if (mode == nullptr || *mode == '\0') return "";
  return std::string("  plugin_isolation:\n    rest-api: ") + mode + "\n";
}

int ListeningPort(const std::string& log) {
  const size_t at = log.find(kListening);
  if (at == std::string::npos) return 0;
  const size_t scheme = log.find("://", at);
  if (scheme == std::string::npos) return 0;
  const size_t end = log.find_first_of(" \n", scheme + 3);
  const size_t colon = log.rfind(':', end);  // after the host, also "[::1]"
  if (colon == std::string::npos || colon < at) return 0;
  return std::atoi(log.c_str() + colon + 1);
}

Reply ApiDaemon::Call(const std::string& method, const std::string& target, const std::string& body,
                      const std::map<std::string, std::string>& headers) const {
  return phpeek::testing::http::Request(port_, method, target, body, headers);
}

Poco::JSON::Object::Ptr ApiDaemon::Process(
    const std::string& name, const std::map<std::string, std::string>& headers) const {
  const Reply r = Call("GET", "/api/v1/processes/" + name, "", headers);
  return r.status == 200 ? ParseObject(r.body) : nullptr;
}

Poco::JSON::Object::Ptr ParseObject(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::vector<int> RunningPids(const Poco::JSON::Object::Ptr& process) {
  std::vector<int> pids;
  if (!process) return pids;
  Poco::JSON::Array::Ptr instances = process->getArray("instances");
  for (size_t i = 0; instances && i < instances->size(); ++i) {
    Poco::JSON::Object::Ptr inst = instances->getObject(static_cast<unsigned>(i));
    if (inst->getValue<std::string>("state") == "running")
      pids.push_back(inst->getValue<int>("pid"));
  }
  return pids;
}

}  // namespace phpeek::rest::itest
