// The OpenAPI document in the repository must describe exactly the routes the server registers.
#include <gtest/gtest.h>

#include <set>

#include "phpeek/json.hpp"
#include "plugins/rest-api/openapi_document.h"
#include "plugins/rest-api/routes.h"
#include "tests/support/test_support.h"

namespace phpeek::rest {
namespace {

std::set<std::string> Lower(std::set<std::string> in) { return in; }

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, DocumentMatchesTheRouteTable) {
  const std::string text = phpeek::testing::ReadFile(PHPEEK_OPENAPI_PATH);
  EXPECT_EQ(text, std::string(OpenApiDocument())) << "embedded copy is stale";
  json::Document doc;
  std::string err;
  ASSERT_TRUE(doc.Parse(text, &err)) << err;
  EXPECT_EQ(doc.root()["openapi"].AsString().value.substr(0, 2), "3.");
  const json::Value paths = doc.root()["paths"];
  ASSERT_TRUE(paths.is_object());

  std::set<std::string> documented;
  for (const auto [path, item] : paths.members()) {
    for (const auto [key, op] : item.members()) {
      if (key == "parameters") continue;
      documented.insert(ToLower(std::string(key)) + " " + std::string(path));
      const bool open = op["security"].is_array() && op["security"].size() == 0;
      bool needs_auth = true;
      for (const Route& r : RouteTable()) {
        if (r.pattern == path && ToLower(r.method) == key) needs_auth = r.needs_auth;
      }
      EXPECT_EQ(open, !needs_auth) << key << " " << path << ": security differs from the route";
      EXPECT_TRUE(op["responses"].is_object()) << key << " " << path;
    }
  }
  std::set<std::string> registered;
  for (const Route& r : RouteTable()) registered.insert(ToLower(r.method) + " " + r.pattern);
  EXPECT_EQ(Lower(documented), registered);
}

}  // namespace
}  // namespace phpeek::rest
