// `phpeek-pm logs [NAME] [-f] [-n N] [--instance ID] [--json]` and `phpeek-pm events [-n N]
// [--json]`: the daemon's process logs and lifecycle events, from the Management API
// (management-api.md; GET /api/v1/logs, /api/v1/processes/{name}/logs, /api/v1/events).
// Exit status: 0 done (or the daemon shut down while following), 1 failed.
#include "core/cli/client/stream_commands.h"

#include <cstdio>
#include <string>

#include "core/cli/client/api_client.h"
#include "core/cli/client/log_text.h"
#include "core/cli/client/stream_follower.h"
#include "phpeek/json.hpp"

namespace phpeek::cli::client {
namespace {

constexpr int kDefaultLines = 100;

int Fail(const std::string& message) {
  std::fprintf(stderr, "phpeek-pm: %s\n", message.c_str());
  return 1;
}

using Formatter = bool (*)(std::string_view, std::string*, std::string*);

// Prints one document: as it is (--json), or as its text line.
void Print(const CommandLine& cl, std::string_view json, Formatter format) {
  std::string line, err;
  if (cl.json) {
    line = std::string(json);
  } else if (!format(json, &line, &err)) {
    line = "(unreadable: " + err + ") " + std::string(json);
  }
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
}

// The route and query: /api/v1/processes/NAME/logs?limit=N[&instance=ID] or /api/v1/logs?limit=N.
std::string LogsPath(const CommandLine& cl) {
  std::string path = cl.operands.empty()
                         ? "/api/v1/logs"
                         : "/api/v1/processes/" + EncodePathSegment(cl.operands[0]) + "/logs";
  path += "?limit=" + std::to_string(cl.lines > 0 ? cl.lines : kDefaultLines);
  if (!cl.instance.empty()) path += "&instance=" + EncodePathSegment(cl.instance);
  return path;
}

// What a 404 is about: the process (its own message), or an instance (the API's).
std::string NotFoundName(const CommandLine& cl) {
  return cl.operands.empty() || !cl.instance.empty() ? "" : cl.operands[0];
}

int Follow(const CommandLine& cl, const ApiEndpoint& endpoint, const std::string& path,
           const std::string& name, Formatter format) {
  std::string err;
  const int status = FollowStream(
      endpoint, path, name, FollowOptions{},
      [&](const SseEvent& ev) { Print(cl, ev.data, format); }, &err);
  std::fflush(stdout);
  return status == 0 ? 0 : Fail(err);
}

}  // namespace

int RunLogs(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string path = LogsPath(cl);
  if (cl.follow) return Follow(cl, endpoint, path + "&follow=1", NotFoundName(cl), FormatLogEntry);
  const ApiReply reply = CallApi(endpoint, "GET", path);
  std::string err;
  if (!CheckReply(reply, 200, endpoint, NotFoundName(cl), &err)) return Fail(err);
  json::Document doc;
  if (!doc.Parse(reply.body, &err) || !doc.root()["entries"].is_array()) {
    return Fail("the daemon's answer has no entries: " + reply.body);
  }
  for (const json::Value entry : doc.root()["entries"].items()) {
    Print(cl, entry.text(), FormatLogEntry);
  }
  return 0;
}

int RunEvents(const CommandLine& cl, const ApiEndpoint& endpoint) {
  const std::string path = "/api/v1/events?limit=" + std::to_string(cl.lines > 0 ? cl.lines : 0);
  return Follow(cl, endpoint, path, "", FormatEvent);
}

}  // namespace phpeek::cli::client
