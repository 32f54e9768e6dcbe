// The OpenAPI document in the repository must describe exactly the routes the server registers.
#include <gtest/gtest.h>

#include <set>

#include "plugins/rest-api/json_value.h"
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
  JsonValue doc;
  std::string err;
  ASSERT_TRUE(ParseJson(text, &doc, &err)) << err;
  ASSERT_NE(doc.Find("openapi"), nullptr);
  EXPECT_EQ(doc.Find("openapi")->string.substr(0, 2), "3.");
  const JsonValue* paths = doc.Find("paths");
  ASSERT_NE(paths, nullptr);

  std::set<std::string> documented;
  for (const auto& [path, item] : paths->object) {
    for (const auto& [key, op] : item.object) {
      if (key == "parameters") continue;
      documented.insert(ToLower(key) + " " + path);
      const bool open = op.Find("security") != nullptr && op.Find("security")->array.empty();
      bool needs_auth = true;
      for (const Route& r : RouteTable()) {
        if (r.pattern == path && ToLower(r.method) == key) needs_auth = r.needs_auth;
      }
      EXPECT_EQ(open, !needs_auth) << key << " " << path << ": security differs from the route";
      EXPECT_NE(op.Find("responses"), nullptr) << key << " " << path;
    }
  }
  std::set<std::string> registered;
  for (const Route& r : RouteTable()) registered.insert(ToLower(r.method) + " " + r.pattern);
  EXPECT_EQ(Lower(documented), registered);
}

}  // namespace
}  // namespace phpeek::rest
