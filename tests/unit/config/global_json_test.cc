// Config::global_json: the `global:` block as JSON for plugins, after substitution and overrides.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class GlobalJsonTest : public ConfigTest {
 protected:
  Poco::JSON::Object::Ptr Parse(const std::string& json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  }
};

TEST_F(GlobalJsonTest, KnownKeysTypedWithDefaultsAndPluginKeysAsWritten) {
  const LoadResult r = Load(
      "global:\n"
      "  api_port: ${PORT}\n"
      "  shutdown_timeout: 1m\n"
      "  audit:\n"
      "    sink: \"${SINK:-/var/log/audit}\"\n"
      "    level: 3\n"
      "    quoted: \"3\"\n"
      "    on: true\n"
      "    tags: [a, b]\n"
      "    empty:\n"
      "processes:\n"
      "  web: {command: /bin/true}\n",
      {{"PORT", "7000"}, {"PHPEEK_PM_GLOBAL_LOG_LEVEL", "error"}});
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  const auto obj = Parse(r.config->global_json);
  EXPECT_EQ(obj->getValue<int>("api_port"), 7000);
  EXPECT_EQ(obj->getValue<int>("shutdown_timeout"), 60000);
  EXPECT_EQ(obj->getValue<std::string>("log_level"), "error");
  EXPECT_EQ(obj->getValue<std::string>("api_host"), "127.0.0.1");
  EXPECT_EQ(obj->getValue<int>("api_max_request_body"), 65536);
  EXPECT_FALSE(obj->has("api_auth"));
  EXPECT_FALSE(obj->getObject("readiness")->getValue<bool>("enabled"));
  const auto audit = obj->getObject("audit");
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->getValue<std::string>("sink"), "/var/log/audit");
  EXPECT_EQ(audit->getValue<int>("level"), 3);
  EXPECT_TRUE(audit->get("quoted").isString());
  EXPECT_TRUE(audit->getValue<bool>("on"));
  EXPECT_EQ(audit->getArray("tags")->size(), 2u);
  EXPECT_TRUE(audit->isNull("empty"));
}

TEST_F(GlobalJsonTest, SubstitutionErrorInPluginKeyIsReported) {
  const LoadResult r = Load("global:\n  audit_sink: ${NOPE}\nprocesses:\n  web: {command: x}\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(CountSeverity(r.diagnostics, Severity::kError), 1u) << Dump(r.diagnostics);
  for (const auto& d : r.diagnostics) {
    EXPECT_EQ(d.key_path, "global.audit_sink");
    if (d.severity == Severity::kError) {
      EXPECT_EQ(d.message, "environment variable NOPE is not set");
    }
  }
}

TEST_F(GlobalJsonTest, CompatKeysAreKeptToo) {
  const LoadResult r = Load("global:\n  log_timestamps: true\nprocesses:\n  web: {command: x}\n");
  ASSERT_TRUE(r.config) << Dump(r.diagnostics);
  EXPECT_TRUE(Parse(r.config->global_json)->getValue<bool>("log_timestamps"));
}

}  // namespace
}  // namespace phpeek::config
