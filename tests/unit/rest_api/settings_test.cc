#include "plugins/rest-api/settings.h"

#include <gtest/gtest.h>

#include <map>

namespace phpeek::rest {
namespace {

control::GlobalLookup From(const std::map<std::string, std::string>& values) {
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
  EXPECT_EQ(s.max_streams, 64);
  EXPECT_EQ(s.stream_heartbeat_ms, 15000);
  EXPECT_EQ(s.stream_queue_bytes, 1 << 20);
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
                                 {"max_process_scale", "7"},
                                 {"api_max_streams", "3"},
                                 {"api_stream_heartbeat", "250"},  // the normal form: ms
                                 {"api_stream_queue", "8192"}}),
                           &s, &err))
      << err;
  EXPECT_FALSE(s.enabled);
  EXPECT_EQ(s.host, "::1");
  EXPECT_EQ(s.port, 8080);
  EXPECT_EQ(s.socket_path, "/run/x.sock");
  EXPECT_EQ(s.token, "tok");
  EXPECT_EQ(s.max_request_body, 1 << 20);
  EXPECT_EQ(s.max_process_scale, 7);
  EXPECT_EQ(s.max_streams, 3);
  EXPECT_EQ(s.stream_heartbeat_ms, 250);
  EXPECT_EQ(s.stream_queue_bytes, 8192);
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
  EXPECT_NE(error({{"api_max_streams", "0"}}).find("global.api_max_streams"), std::string::npos);
  EXPECT_NE(error({{"api_max_streams", "101"}}).find("global.api_max_streams"), std::string::npos);
  EXPECT_NE(error({{"api_stream_heartbeat", "50"}}).find("global.api_stream_heartbeat"),
            std::string::npos);
  EXPECT_NE(error({{"api_stream_queue", "1024"}}).find("global.api_stream_queue"),
            std::string::npos);
}

TEST(Settings, Loopback) {
  EXPECT_TRUE(control::IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(control::IsLoopbackHost("::1"));
  EXPECT_FALSE(control::IsLoopbackHost("0.0.0.0"));
}

}  // namespace
}  // namespace phpeek::rest
