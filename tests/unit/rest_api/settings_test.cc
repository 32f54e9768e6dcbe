#include "plugins/rest-api/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace phpeek::rest {
namespace {

GlobalLookup From(const std::map<std::string, std::string>& values) {
  return [values](const std::string& key, std::string* value, std::string*) {
    auto it = values.find(key);
    if (it == values.end()) return false;
    *value = it->second;
    return true;
  };
}

TEST(Settings, DefaultsWhenAbsent) {
  Settings s;
  std::string err;
  ASSERT_TRUE(LoadSettings(From({}), &s, &err)) << err;
  EXPECT_TRUE(s.enabled);
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 9180);
  EXPECT_EQ(s.socket_path, "");
  EXPECT_FALSE(s.token.has_value());
  EXPECT_EQ(s.max_request_body, 65536);
  EXPECT_EQ(s.max_process_scale, 100);
}

TEST(Settings, ReadsEveryKey) {
  Settings s;
  std::string err;
  ASSERT_TRUE(LoadSettings(From({{"api_enabled", "false"},
                                 {"api_host", "::1"},
                                 {"api_port", "8080"},
                                 {"api_socket", "/run/x.sock"},
                                 {"api_auth", "tok"},
                                 {"api_max_request_body", "1MiB"},
                                 {"max_process_scale", "7"}}),
                           &s, &err))
      << err;
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.socket_path, "/run/x.sock");
  EXPECT_EQ(s.token, "tok");
  EXPECT_EQ(s.max_request_body, 1 << 20);
  EXPECT_EQ(s.max_process_scale, 7);
}

TEST(Settings, BadValuesNameTheKey) {
  auto error = [](const std::map<std::string, std::string>& values) {
    Settings s;
    std::string err;
    EXPECT_FALSE(LoadSettings(From(values), &s, &err));
    return err;
  };
  EXPECT_NE(error({{"api_port", "70000"}}).find("global.api_port"), std::string::npos);
  EXPECT_NE(error({{"api_port", "80x"}}).find("global.api_port"), std::string::npos);
  EXPECT_NE(error({{"api_enabled", "yes"}}).find("global.api_enabled"), std::string::npos);
  EXPECT_NE(error({{"api_auth", ""}}).find("global.api_auth is empty"), std::string::npos);
  EXPECT_NE(error({{"api_max_request_body", "1GB"}}).find("api_max_request_body"),
            std::string::npos);
}

TEST(Settings, Loopback) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("0.0.0.0"));
}

}  // namespace
}  // namespace phpeek::rest
