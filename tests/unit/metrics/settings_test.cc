#include "plugins/metrics/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace phpeek::metrics {
namespace {

// A lookup over a fixed map, like the host's config_get_string over `global:`.
SettingLookup MapLookup(std::map<std::string, std::string> values,
                        std::map<std::string, std::string> errors = {}) {
  return [values, errors](const std::string& key) {
    if (errors.count(key)) return SettingValue{false, "", errors.at(key)};
    if (!values.count(key)) return SettingValue{};
    return SettingValue{true, values.at(key), ""};
  };
}

TEST(ParseSettings, DefaultsWhenNothingIsSet) {
  Settings s;
  std::string err;
  ASSERT_TRUE(ParseSettings(MapLookup({}), &s, &err)) << err;
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 9090);
  EXPECT_EQ(s.path, "/metrics");
}

TEST(ParseSettings, ReadsAllKeys) {
  Settings s;
  std::string err;
  ASSERT_TRUE(ParseSettings(MapLookup({{"metrics_enabled", "true"},
                                       {"metrics_host", "0.0.0.0"},
                                       {"metrics_port", "19090"},
                                       {"metrics_path", "/prom/metrics"}}),
                            &s, &err))
      << err;
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.host, "0.0.0.0");
  EXPECT_EQ(s.port, 19090);
  EXPECT_EQ(s.path, "/prom/metrics");
}

TEST(ParseSettings, ErrorsNameTheKeyAndValue) {
  const std::map<std::string, std::string> bad[] = {
      {{"metrics_enabled", "yes please"}}, {{"metrics_port", "90x"}},
      {{"metrics_port", "70000"}},         {{"metrics_port", "-1"}},
      {{"metrics_path", "metrics"}},       {{"metrics_path", "/health"}},
      {{"metrics_path", "/m?x=1"}},        {{"metrics_host", ""}}};
  for (const auto& values : bad) {
    Settings s;
    std::string err;
    EXPECT_FALSE(ParseSettings(MapLookup(values), &s, &err)) << values.begin()->first;
    EXPECT_NE(err.find("global." + values.begin()->first), std::string::npos) << err;
  }
}

TEST(ParseSettings, HostErrorsAreReported) {
  Settings s;
  std::string err;
  EXPECT_FALSE(ParseSettings(MapLookup({}, {{"metrics_port", "TYPE not a scalar"}}), &s, &err));
  EXPECT_EQ(err, "global.metrics_port: TYPE not a scalar");
}

}  // namespace
}  // namespace phpeek::metrics
