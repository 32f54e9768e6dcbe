#include "tests/integration/rest_api/api_daemon.h"

#include <istream>

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/StreamCopier.h"

namespace phpeek::rest::itest {

ApiDaemon::ApiDaemon(const std::string& globals, const std::string& processes,
                     const std::map<std::string, std::string>& env)
    : port_(phpeek::testing::FreePort()) {
  config_path_ = dir_.Write("phpeek-pm.yaml", "version: \"1.0\"\nglobal:\n  log_format: text\n"
                                              "  api_enabled: true\n  api_port: " +
                                                  std::to_string(port_) + "\n" + globals +
                                                  "processes:\n" + processes);
  daemon_ = std::make_unique<phpeek::testing::Daemon>(
      std::vector<std::string>{"-c", config_path_}, env);
  ready_ = daemon_->WaitForLog("Management API listening");
}

Reply ApiDaemon::Call(const std::string& method, const std::string& target,
                      const std::string& body,
                      const std::map<std::string, std::string>& headers) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
  session.setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) request.set(k, v);
  if (method == "POST") request.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  if (method != "HEAD") Poco::StreamCopier::copyToString(in, reply.body);
  for (const auto& [k, v] : response) reply.headers[k] = v;
  return reply;
}

Poco::JSON::Object::Ptr ApiDaemon::Process(const std::string& name,
                                           const std::map<std::string, std::string>& headers) const {
  const Reply r = Call("GET", "/api/v1/processes/" + name, "", headers);
  return r.status == 200 ? ParseObject(r.body) : nullptr;
}

std::string RawExchange(int port, const std::string& bytes, int timeout_ms) {
  Poco::Net::StreamSocket socket;
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  socket.setReceiveTimeout(Poco::Timespan(static_cast<long>(timeout_ms) * 1000));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  char buffer[4096];
  try {
    for (;;) {
      const int n = socket.receiveBytes(buffer, sizeof(buffer));
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
  } catch (const Poco::Exception&) {
  }
  return out;
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
    if (inst->getValue<std::string>("state") == "running") pids.push_back(inst->getValue<int>("pid"));
  }
  return pids;
}

}  // namespace phpeek::rest::itest
