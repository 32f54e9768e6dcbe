// The Management API over real HTTP against a fake backend: every route, every error code, auth.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/http_test_client.h"
#include "tests/unit/rest_api/api_fixture.h"

namespace phpeek::rest::testing {

using phpeek::testing::http::RawExchange;
using phpeek::testing::http::Reply;
using phpeek::testing::http::Request;
namespace {

const std::map<std::string, std::string> kAuth = {{"Authorization", "Bearer s3cret"}};

TEST(ApiHttp, HealthAndList) {
  ApiServer s;
  Reply health = Request(s.port(), "GET", "/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"healthy"})");
  EXPECT_EQ(health.headers["Content-Type"], "application/json");

  Reply list = Request(s.port(), "GET", "/api/v1/processes");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(
      list.body,
      R"({"processes":[{"name":"web","state":"running","scale":2,"ready":true,"instances":[)"
      R"({"id":"web-0","state":"running","pid":1000,"started_at":1700000000,"restart_count":0,)"
      R"("health":"healthy","ready":true},)"
      R"({"id":"web-1","state":"running","pid":1001,"started_at":1700000000,"restart_count":1,)"
      R"("health":"healthy","ready":true}]},)"
      R"({"name":"queue","state":"stopped","scale":0,"ready":false,"instances":[]}]})");
}

// lifecycle.md, "Readiness": 200 or 503 with what is awaited, from the daemon's status.
TEST(ApiHttp, ReadyAnswers200Or503WithTheProcessesAwaited) {
  ApiServer s;
  Reply ready = Request(s.port(), "GET", "/api/v1/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");
  EXPECT_EQ(ready.headers["Content-Type"], "application/json");
  s.backend().SetDaemonStatus(R"({"schema":1,"ready":false,"waiting":["php-fpm","nginx"],)"
                              R"("failed":[],"future":1})");
  Reply waiting = Request(s.port(), "GET", "/api/v1/ready");
  EXPECT_EQ(waiting.status, 503);
  EXPECT_EQ(waiting.body, R"({"status":"not ready","waiting":["php-fpm","nginx"]})");
  EXPECT_EQ(Request(s.port(), "HEAD", "/api/v1/ready").status, 503);
  // A host that cannot tell (ABI 1.0) is never taken for ready.
  s.backend().SetDaemonStatus(
      "", control::BackendResult{control::BackendCode::kUnsupported, "1.0 host"});
  Reply old = Request(s.port(), "GET", "/api/v1/ready");
  EXPECT_EQ(old.status, 503);
  EXPECT_EQ(old.body, R"({"status":"not ready","waiting":[]})");
}

// The issue's complaint: /health stayed 200 while php-fpm had been given up, so liveness probes
// never restarted the container.
TEST(ApiHttp, HealthIs503WhileAProcessIsGivenUp) {
  ApiServer s;
  s.backend().SetDaemonStatus(R"({"schema":1,"ready":false,"waiting":["php-fpm"],)"
                              R"("failed":["php-fpm"]})");
  Reply health = Request(s.port(), "GET", "/api/v1/health");
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, R"({"status":"unhealthy","failed":["php-fpm"]})");
  // Not ready is not unhealthy: a process still starting must not get the container restarted.
  s.backend().SetDaemonStatus(R"({"schema":1,"ready":false,"waiting":["php-fpm"],"failed":[]})");
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);
  s.backend().SetDaemonStatus(
      "", control::BackendResult{control::BackendCode::kUnsupported, "1.0 host"});
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);  // the API answers
}

// The list is memoized on the backend's snapshot: repeated reads answer the same body, and a
// change (here a scale) shows at once.
TEST(ApiHttp, ListFollowsSnapshotChanges) {
  ApiServer s;
  const Reply first = Request(s.port(), "GET", "/api/v1/processes");
  const Reply second = Request(s.port(), "GET", "/api/v1/processes");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.body, second.body);
  EXPECT_NE(first.body.find(R"("id":"web-1")"), std::string::npos) << first.body;
  ASSERT_EQ(Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"scale":1})").status, 202);
  const Reply scaled = Request(s.port(), "GET", "/api/v1/processes");
  EXPECT_EQ(scaled.status, 200);
  EXPECT_NE(scaled.body.find(R"("name":"web","state":"running","scale":1,)"), std::string::npos)
      << scaled.body;
  EXPECT_EQ(scaled.body.find(R"("id":"web-1")"), std::string::npos) << scaled.body;
}

TEST(ApiHttp, GetOneProcessAndNotFound) {
  ApiServer s;
  Reply one = Request(s.port(), "GET", "/api/v1/processes/queue");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body,
            R"({"name":"queue","state":"stopped","scale":0,"ready":false,"instances":[]})");
  Reply missing = Request(s.port(), "GET", "/api/v1/processes/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"process not found"})");
  Reply unknown_path = Request(s.port(), "GET", "/api/v2/whatever");
  EXPECT_EQ(unknown_path.status, 404);
  EXPECT_EQ(unknown_path.body, R"({"error":"not found"})");
}

TEST(ApiHttp, ActionsAnswer202WithTheSpecBodies) {
  ApiServer s;
  for (const std::string verb : {"restart", "stop", "start"}) {
    Reply r = Request(s.port(), "POST", "/api/v1/processes/web/" + verb);
    EXPECT_EQ(r.status, 202) << verb;
    EXPECT_EQ(r.body, R"({"message":")" + verb + R"( initiated","process":"web"})");
  }
  const auto calls = s.backend().calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].op, control::ControlOp::kRestart);
  EXPECT_EQ(calls[1].op, control::ControlOp::kStop);
  EXPECT_EQ(calls[2].op, control::ControlOp::kStart);
  Reply missing = Request(s.port(), "POST", "/api/v1/processes/nope/restart");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body, R"({"error":"process not found"})");
}

TEST(ApiHttp, ScaleForms) {
  ApiServer s;
  Reply r = Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"scale": 5})",
                    {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"scale initiated","process":"web","scale":5})");
  r = Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"desired":3})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"scale initiated","process":"web","scale":3})");
  r = Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"delta":-2})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"scale initiated","process":"web","scale":1})");
  r = Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"scale":0})");
  EXPECT_EQ(r.status, 202);
}

TEST(ApiHttp, ScaleBadInputIs400WithAReason) {
  ApiServer s;  // max_process_scale 10
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "request body is empty"},
      {"{", "invalid JSON at byte 1"},
      {"not json", "invalid JSON at byte 0"},
      {R"({"scale":"5"})", "must be an integer, got a string"},
      {R"({"scale":5.0})", "must be an integer, got a non-integer number"},
      {R"({"scale":5e0})", "non-integer number"},
      {R"({"scale":null})", "got a null"},
      {R"({"scale":true})", "got a boolean"},
      {R"({})", "missing field"},
      {R"({"scale":1} x)", "unexpected data after the JSON value"},
      {R"({"scale":1,"scale":2})", R"(invalid JSON at byte 11: duplicate member name \"scale\")"},
      {R"({"scale":1,"delta":2})", "given together"},
      {R"({"replicas":1})", "unknown field"},
      {R"([5])", "is a JSON array"},
      {R"({"scale":11})", "scale 11 exceeds max_process_scale 10"},
      {R"({"scale":-1})", "scale -1 is negative"},
      {R"({"delta":-3})", "scale -1 is negative (current 2, delta -3)"},
      {R"({"scale":99999999999999999999})", "got a number beyond the 64-bit range"},
      {R"({"scale":[5]})", "must be an integer, got an array"},
      {R"({"delta":9223372036854775807})", "exceeds max_process_scale 10"},
  };
  // The spec's error string exactly; what was wrong in "detail".
  for (const auto& [body, reason] : cases) {
    Reply r = Request(s.port(), "POST", "/api/v1/processes/web/scale", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.body.rfind(R"({"error":"invalid request body","detail":")", 0), 0u) << r.body;
    EXPECT_NE(r.body.find(reason), std::string::npos) << body << " -> " << r.body;
  }
  EXPECT_TRUE(s.backend().calls().empty());
  Reply missing = Request(s.port(), "POST", "/api/v1/processes/nope/scale", R"({"scale":1})");
  EXPECT_EQ(missing.status, 404);
}

TEST(ApiHttp, BackendRefusalsMapToStatusCodes) {
  ApiServer s;
  s.backend().FailNextControl(
      {control::BackendCode::kInvalidArgument, "scale 7 exceeds max_scale 4 of process 'web'"});
  Reply r = Request(s.port(), "POST", "/api/v1/processes/web/scale", R"({"scale":7})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"invalid request body","detail":"scale 7 exceeds max_scale 4 of )"
                    R"(process 'web'"})");
  s.backend().FailNextControl(
      {control::BackendCode::kInvalidArgument, "process 'web' is disabled"});
  r = Request(s.port(), "POST", "/api/v1/processes/web/start");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"error":"bad request","detail":"process 'web' is disabled"})");
  s.backend().FailNextControl({control::BackendCode::kStopping, ""});
  r = Request(s.port(), "POST", "/api/v1/processes/web/stop");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"error":"service unavailable","detail":"the daemon is shutting down"})");
}

TEST(ApiHttp, MethodNotAllowedListsAllowedMethods) {
  ApiServer s;
  Reply r = Request(s.port(), "POST", "/api/v1/processes");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.body, R"({"error":"method not allowed"})");
  EXPECT_EQ(r.headers["Allow"], "GET, HEAD");
  r = Request(s.port(), "GET", "/api/v1/processes/web/restart");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers["Allow"], "POST");
  r = Request(s.port(), "DELETE", "/api/v1/health");
  EXPECT_EQ(r.status, 405);
}

TEST(ApiHttp, HeadHasHeadersButNoBody) {
  ApiServer s;
  Reply get = Request(s.port(), "GET", "/api/v1/processes");
  const std::string raw = RawExchange(
      s.port(), "HEAD /api/v1/processes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 200", 0), 0u) << raw;
  EXPECT_NE(raw.find("Content-Length: " + std::to_string(get.body.size())), std::string::npos);
  EXPECT_EQ(raw.substr(raw.size() - 4), "\r\n\r\n") << "HEAD must not carry a body";
}

TEST(ApiHttp, AuthRequiredEverywhereButHealthAndReady) {
  ApiServer s("s3cret");
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/ready").status, 200);
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/ready").status, 405);  // public, GET only
  Reply r = Request(s.port(), "GET", "/api/v1/processes");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"error":"unauthorized"})");
  EXPECT_EQ(r.headers["WWW-Authenticate"], "Bearer");
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes", "", kAuth).status, 200);
  EXPECT_EQ(Request(s.port(), "GET", "/nothing/here").status, 401);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/openapi.json").status, 401);
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/web/stop").status, 401);
  EXPECT_TRUE(s.backend().calls().empty());
}

TEST(ApiHttp, BearerVariants) {
  ApiServer s("s3cret");
  auto status = [&](const std::string& value) {
    return Request(s.port(), "GET", "/api/v1/processes", "", {{"Authorization", value}}).status;
  };
  EXPECT_EQ(status("Bearer s3cret"), 200);
  EXPECT_EQ(status("bearer s3cret"), 200);  // RFC 7235: the scheme is case-insensitive
  EXPECT_EQ(status("BEARER s3cret"), 200);
  EXPECT_EQ(status("Bearer s3cret "), 200);  // trailing OWS is not part of the field value
  EXPECT_EQ(status("Bearer "), 401);
  EXPECT_EQ(status("Bearer"), 401);
  EXPECT_EQ(status("Bearer s3cre"), 401);
  EXPECT_EQ(status("Bearer s3cret2"), 401);
  EXPECT_EQ(status("Bearer s3cret x"), 401);
  EXPECT_EQ(status("Basic s3cret"), 401);
  EXPECT_EQ(status("s3cret"), 401);
}

TEST(ApiHttp, BadPathsAndNames) {
  ApiServer s;
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/%77eb").status, 200);  // "web"
  Reply dots = Request(s.port(), "GET", "/api/v1/processes/../health");
  EXPECT_EQ(dots.status, 400);
  EXPECT_NE(dots.body.find("'..'"), std::string::npos);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/%2e%2e/health").status, 400);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/a%2Fb").status, 400);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/%zz").status, 400);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/%00").status, 400);
  Reply long_name = Request(s.port(), "GET", "/api/v1/processes/" + std::string(65, 'a'));
  EXPECT_EQ(long_name.status, 400);
  EXPECT_EQ(long_name.body,
            R"({"error":"invalid process name","detail":"expected [A-Za-z0-9][A-Za-z0-9_.-]*, )"
            R"(at most 64 characters"})");
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/" + std::string(64, 'a')).status, 404);
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/-web/stop").status, 400);
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/we%20b/stop").status, 400);
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/Web/stop").status, 404)
      << "names are case-sensitive: Web is not web";
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes/").status, 404);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/processes?x=1").status, 200);
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);  // still serving
}

TEST(ApiHttp, BodyOverTheLimitIs413) {
  Settings settings;
  settings.max_request_body = 1024;
  ApiServer s(std::nullopt, settings);
  // A 10 MB body: the answer comes from the declared length, before the body is read...
  const std::string headers =
      "POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\nContent-Length: 10485760\r\n\r\n";
  std::string raw = RawExchange(s.port(), headers);
  EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw;
  EXPECT_NE(raw.find("at most 1024 bytes"), std::string::npos) << raw;
  // ...and a client that sends it all anyway still reads the 413 (the server drains, then closes).
  Reply r = Request(s.port(), "POST", "/api/v1/processes/web/scale", std::string(10 << 20, ' '));
  EXPECT_EQ(r.status, 413);
  // Chunked, no Content-Length: the limit applies while reading.
  const std::string chunk(2000, ' ');
  std::ostringstream hex;
  hex << std::hex << chunk.size();
  raw = RawExchange(s.port(),
                    "POST /api/v1/processes/web/scale HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                    "chunked\r\n\r\n" +
                        hex.str() + "\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(raw.rfind("HTTP/1.1 413", 0), 0u) << raw;
  EXPECT_EQ(Request(s.port(), "GET", "/api/v1/health").status, 200);
}

// configuration.md: names are [A-Za-z0-9][A-Za-z0-9_.-]*, case-sensitive; every route takes them.
TEST(ApiHttp, NamesWithCapitalsWorkInEveryRoute) {
  ApiServer s;
  s.backend().AddProcess("stubA", 1);
  Reply r = Request(s.port(), "GET", "/api/v1/processes/stubA");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("name":"stubA")"), std::string::npos) << r.body;
  EXPECT_NE(Request(s.port(), "GET", "/api/v1/processes").body.find(R"("id":"stubA-0")"),
            std::string::npos);
  EXPECT_EQ(Request(s.port(), "HEAD", "/api/v1/processes/stubA").status, 200);
  for (const std::string verb : {"start", "stop", "restart"}) {
    r = Request(s.port(), "POST", "/api/v1/processes/stubA/" + verb);
    EXPECT_EQ(r.status, 202) << verb;
    EXPECT_EQ(r.body, R"({"message":")" + verb + R"( initiated","process":"stubA"})");
  }
  r = Request(s.port(), "POST", "/api/v1/processes/stubA/scale", R"({"scale":3})");
  EXPECT_EQ(r.status, 202);
  EXPECT_EQ(r.body, R"({"message":"scale initiated","process":"stubA","scale":3})");
  r = Request(s.port(), "POST", "/api/v1/processes/Z.9_-x/stop");
  EXPECT_EQ(r.status, 404) << "a valid name that is not configured";
  EXPECT_EQ(Request(s.port(), "POST", "/api/v1/processes/stuba/stop").status, 404);
  const auto calls = s.backend().calls();
  ASSERT_GE(calls.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(calls[i].name, "stubA");
}

TEST(ApiHttp, OpenApiDocumentIsServed) {
  ApiServer s;
  Reply r = Request(s.port(), "GET", "/api/v1/openapi.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string(OpenApiDocument()));
  EXPECT_NE(r.body.find("\"openapi\": \"3.0.3\""), std::string::npos);
}

}  // namespace
}  // namespace phpeek::rest::testing
