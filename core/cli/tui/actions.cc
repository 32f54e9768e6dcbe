#include "core/cli/tui/actions.h"

#include "core/cli/client/api_client.h"

namespace phpeek::cli::tui {
namespace {

std::string ProcessPath(const std::string& process, const std::string& tail) {
  return "/api/v1/processes/" + client::EncodePathSegment(process) + "/" + tail;
}

std::string Capitalized(std::string word) {
  if (!word.empty() && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
  return word;
}

std::string Instances(int n) { return std::to_string(n) + (n == 1 ? " instance" : " instances"); }

}  // namespace

Action ProcessAction(const std::string& verb, const std::string& process, int instances) {
  Action a;
  a.question = Capitalized(verb) + " " + process +
               (verb == "start" ? "" : " (" + Instances(instances) + ")") + "?";
  a.process = process;
  a.path = ProcessPath(process, verb);
  a.done = verb + " " + process + ": initiated";
  return a;
}

Action ScaleAction(const std::string& process, int from, int to) {
  Action a;
  a.question = "Scale " + process + " from " + std::to_string(from) + " to " + Instances(to) + "?";
  a.process = process;
  a.path = ProcessPath(process, "scale");
  a.body = "{\"scale\":" + std::to_string(to) + "}";
  a.done = "scale " + process + " to " + std::to_string(to) + ": initiated";
  return a;
}

Action TriggerAction(const std::string& job) {
  Action a;
  a.question = "Run job " + job + " now?";
  a.process = job;
  a.path = ProcessPath(job, "schedule/trigger");
  a.done = "trigger " + job + ": run started";
  return a;
}

std::string Perform(const client::ApiEndpoint& endpoint, const Action& action) {
  const client::ApiReply reply = client::CallApi(endpoint, "POST", action.path, action.body);
  std::string err;
  if (!client::CheckReply(reply, 202, endpoint, action.process, &err)) return err;
  return action.done;
}

}  // namespace phpeek::cli::tui
