// The dashboard's routes on plain requests (no socket): sign-in, sessions, CSRF, Origin, actions
// and the security headers, over the in-memory Backend the rest-api tests use.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "plugins/common/control/stream_hub.h"
#include "plugins/dashboard/dashboard.h"
#include "plugins/dashboard/server_options.h"
#include "tests/unit/rest_api/fake_backend.h"

namespace phpeek::dashboard {
namespace {

using http::HttpRequest;
using http::HttpResponse;

const std::string kToken = "dashboard-unit-token";

std::string Header(const HttpResponse& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (http::EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

class DashboardRoutes : public ::testing::Test {
 protected:
  explicit DashboardRoutes(std::optional<std::string> token = kToken)
      : hub_(&backend_, control::StreamOptions{}), dashboard_(&backend_, &hub_, Options(token)) {}

  static DashboardOptions Options(std::optional<std::string> token) {
    DashboardOptions o;
    o.token = std::move(token);
    return o;
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    http::HeaderList fields = {}) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.fields = std::move(fields);
    r.fields.emplace_back("Host", "127.0.0.1:9181");
    return dashboard_.Handle(r);
  }

  // Signs in and returns the Cookie header value and the CSRF token.
  std::pair<std::string, std::string> SignIn() {
    const HttpResponse r = Call("POST", "/login", "{\"token\":\"" + kToken + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string cookie = Header(r, "Set-Cookie");
    const size_t csrf_at = r.body.find("\"csrf\":\"") + 8;
    return {cookie.substr(0, cookie.find(';')), r.body.substr(csrf_at, 64)};
  }

  rest::testing::FakeBackend backend_;
  control::StreamHub hub_;
  Dashboard dashboard_;
};

class DashboardWithoutToken : public DashboardRoutes {
 protected:
  DashboardWithoutToken() : DashboardRoutes(std::nullopt) {}
};

TEST_F(DashboardRoutes, ThePageAndItsFilesAreServed) {
  const HttpResponse page = Call("GET", "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<script src=\"/app.js\""), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << "no inline script under the CSP";
  EXPECT_EQ(Call("GET", "/app.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Call("GET", "/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Call("GET", "/nope").status, 404);
  EXPECT_EQ(Call("POST", "/").status, 405);
}

TEST_F(DashboardRoutes, EveryAnswerCarriesAStrictContentSecurityPolicy) {
  const http::ServerOptions options = DashboardServerOptions(Settings{});
  std::string csp;
  for (const auto& [k, v] : options.defaults.headers) {
    if (k == "Content-Security-Policy") csp = v;
  }
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(options.endpoints.front().host, "127.0.0.1");
  EXPECT_EQ(options.endpoints.front().port, 9181);
}

TEST_F(DashboardRoutes, AWrongTokenIsRefusedAndNothingAnswersWithoutASession) {
  const HttpResponse session = Call("GET", "/session");
  EXPECT_EQ(session.body, "{\"auth_required\":true,\"signed_in\":false,\"csrf\":null}");
  EXPECT_EQ(Header(session, "Set-Cookie"), "");
  const HttpResponse wrong = Call("POST", "/login", "{\"token\":\"guess\"}");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Header(wrong, "Set-Cookie"), "");
  EXPECT_EQ(Call("GET", "/api/processes").status, 401);
  EXPECT_EQ(Call("GET", "/api/processes", "", {{"Cookie", "phpeek_dashboard=forged"}}).status, 401);
  EXPECT_EQ(Call("POST", "/login", "not json").status, 400);
}

TEST_F(DashboardRoutes, ASignedInPageReadsTheProcessList) {
  const auto [cookie, csrf] = SignIn();
  EXPECT_EQ(cookie.rfind("phpeek_dashboard=", 0), 0u);
  const HttpResponse list = Call("GET", "/api/processes", "", {{"Cookie", cookie}});
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("\"web\""), std::string::npos);
  const HttpResponse session = Call("GET", "/session", "", {{"Cookie", cookie}});
  EXPECT_NE(session.body.find("\"signed_in\":true,\"csrf\":\"" + csrf + "\""), std::string::npos);
}

TEST_F(DashboardRoutes, ActionsNeedTheCsrfTokenAndAnswer202) {
  const auto [cookie, csrf] = SignIn();
  EXPECT_EQ(Call("POST", "/api/processes/web/restart", "", {{"Cookie", cookie}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/processes/web/restart", "",
                 {{"Cookie", cookie}, {"X-CSRF-Token", std::string(64, '0')}})
                .status,
            403);
  EXPECT_TRUE(backend_.calls().empty());
  const HttpResponse ok =
      Call("POST", "/api/processes/web/restart", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(ok.status, 202) << ok.body;
  const HttpResponse scale = Call("POST", "/api/processes/web/scale", "{\"scale\":3}",
                                  {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(scale.status, 202) << scale.body;
  ASSERT_EQ(backend_.calls().size(), 2u);
  EXPECT_EQ(backend_.calls()[0].op, control::ControlOp::kRestart);
  EXPECT_EQ(backend_.calls()[1].op, control::ControlOp::kScale);
  EXPECT_EQ(backend_.calls()[1].arg, 3);
  EXPECT_EQ(
      Call("POST", "/api/processes/nope/start", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
          .status,
      404);
  EXPECT_EQ(
      Call("POST", "/api/processes/web/explode", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
          .status,
      404);
}

TEST_F(DashboardRoutes, APostFromAnotherSitesPageIsRefused) {
  const auto [cookie, csrf] = SignIn();
  const HttpResponse r =
      Call("POST", "/api/processes/web/stop", "",
           {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("another site"), std::string::npos);
  EXPECT_TRUE(backend_.calls().empty());
  EXPECT_EQ(Call("POST", "/api/processes/web/stop", "",
                 {{"Cookie", cookie}, {"X-CSRF-Token", csrf}, {"Origin", "http://127.0.0.1:9181"}})
                .status,
            202);
}

TEST_F(DashboardRoutes, ANewTokenByReloadEndsEverySession) {
  const auto [cookie, csrf] = SignIn();
  dashboard_.SetToken("another-token-entirely");
  EXPECT_EQ(Call("GET", "/api/processes", "", {{"Cookie", cookie}}).status, 401);
  EXPECT_EQ(Call("POST", "/login", "{\"token\":\"" + kToken + "\"}").status, 401);
}

TEST_F(DashboardRoutes, LogoutEndsTheSession) {
  const auto [cookie, csrf] = SignIn();
  const HttpResponse r = Call("POST", "/logout", "", {{"Cookie", cookie}});
  EXPECT_EQ(r.status, 204);
  EXPECT_NE(Header(r, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/processes", "", {{"Cookie", cookie}}).status, 401);
}

TEST_F(DashboardWithoutToken, EveryPageGetsASessionForItsCsrfToken) {
  EXPECT_EQ(Call("GET", "/api/processes").status, 200);
  EXPECT_EQ(Call("POST", "/api/processes/web/restart").status, 401);
  const HttpResponse session = Call("GET", "/session");
  EXPECT_NE(session.body.find("\"auth_required\":false,\"signed_in\":true"), std::string::npos);
  const std::string cookie = Header(session, "Set-Cookie");
  const std::string csrf = session.body.substr(session.body.find("\"csrf\":\"") + 8, 64);
  EXPECT_EQ(Call("POST", "/api/processes/web/restart", "",
                 {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", csrf}})
                .status,
            202);
}

}  // namespace
}  // namespace phpeek::dashboard
