// The handshake on crafted descriptors, and real loads of the abi-compat fixture plugins, each with
// its exact refusal message.
#include "core/plugin_host/plugin_loader.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/fixture_plugin.h"

namespace phpeek::plugin_host {
namespace {

int32_t Init(const phpeek_host_api_v1*, phpeek_host*, const char*, size_t, void**, phpeek_sink*) {
  return PHPEEK_OK;
}
int32_t Start(void*, phpeek_sink*) { return PHPEEK_OK; }
int32_t Stop(void*) { return PHPEEK_OK; }
void Destroy(void*) {}

phpeek_plugin_api_v1 Good() {
  phpeek_plugin_api_v1 d{};
  d.struct_size = sizeof d;
  d.abi_major = 1;
  d.name = "demo";
  d.version = "1.2.3";
  d.description = "d";
  d.init = Init;
  d.start = Start;
  d.stop = Stop;
  d.destroy = Destroy;
  return d;
}

std::string Refusal(const phpeek_plugin_api_v1* d, uint32_t host_minor = 0) {
  LoadedPlugin out;
  std::string reason;
  EXPECT_FALSE(Negotiate(d, "demo", host_minor, &out, &reason));
  return reason;
}

TEST(Negotiate, AcceptsAGoodDescriptorAndCopiesIt) {
  const phpeek_plugin_api_v1 d = Good();
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 0, &out, &reason)) << reason;
  EXPECT_EQ(out.name, "demo");
  EXPECT_EQ(out.version, "1.2.3");
  EXPECT_EQ(out.api.init, &Init);
  EXPECT_EQ(out.negotiated_minor, 0u);
}

TEST(Negotiate, OlderPluginInNewerHostNegotiatesThePluginsMinor) {
  const phpeek_plugin_api_v1 d = Good();
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 3, &out, &reason));
  EXPECT_EQ(out.built_minor, 0u);
  EXPECT_EQ(out.negotiated_minor, 0u);
}

TEST(Negotiate, NewerMinorIsRefusedUnlessItAcceptsOlderHosts) {
  phpeek_plugin_api_v1 d = Good();
  d.abi_minor = 2;
  d.min_host_minor = 1;
  EXPECT_EQ(Refusal(&d, 0),
            "built for ABI 1.2 (needs a host with ABI >= 1.1), this host speaks ABI 1.0; upgrade "
            "phpeek-pm or rebuild the plugin against an older SDK");
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 1, &out, &reason)) << reason;
  EXPECT_EQ(out.negotiated_minor, 1u);
}

TEST(Negotiate, RefusesBadMetadataWithAReason) {
  EXPECT_EQ(Refusal(nullptr),
            "the plugin declined to load (its entry returned NULL; this host speaks ABI 1.0)");
  phpeek_plugin_api_v1 d = Good();
  d.abi_major = 3;
  EXPECT_EQ(Refusal(&d), "built for ABI 3.0, this host speaks ABI 1.0");
  d = Good();
  d.struct_size = 40;
  EXPECT_EQ(Refusal(&d), "descriptor is 40 bytes, ABI 1.0 needs at least 88");
  d = Good();
  d.name = nullptr;
  EXPECT_EQ(Refusal(&d), "descriptor name is missing, empty or longer than 64 characters");
  const std::string long_name(5000, 'a');
  d.name = long_name.c_str();
  EXPECT_EQ(Refusal(&d), "descriptor name is missing, empty or longer than 64 characters");
  d = Good();
  d.name = "other";
  EXPECT_EQ(Refusal(&d), "descriptor says its name is 'other', but it was loaded as 'demo'");
  d = Good();
  d.version = nullptr;
  EXPECT_EQ(Refusal(&d), "descriptor version is missing or empty");
  d = Good();
  d.destroy = nullptr;
  EXPECT_EQ(Refusal(&d), "required hook 'destroy' is NULL");
  const char* const keys[] = {"ok_key", "", nullptr};
  d = Good();
  d.global_keys = keys;
  EXPECT_EQ(Refusal(&d), "global_keys entry 1 is empty, too long or unterminated");
}

TEST(Negotiate, IgnoresMembersBeyondWhatTheHostKnows) {
  struct Bigger {
    phpeek_plugin_api_v1 base;
    char future[64];
  } big{Good(), {}};
  big.base.struct_size = sizeof big;
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&big.base, "demo", 0, &out, &reason)) << reason;
}

const char* const kModes[] = {"fast", "safe", nullptr};
const phpeek_config_key kKeys[] = {
    {"spool_poll", "How often", PHPEEK_KEY_DURATION, PHPEEK_KEY_FLAG_HAS_MIN, 100, 0, "2s",
     nullptr},
    {"spool_mode", "How", PHPEEK_KEY_ENUM, 0, 0, 0, "safe", kModes},
    {"spool_token", "Secret", PHPEEK_KEY_STRING, PHPEEK_KEY_FLAG_EMPTY_IS_UNSET, 0, 0, nullptr,
     nullptr},
};

phpeek_plugin_api_v1 Typed(const phpeek_config_key* keys, uint32_t count) {
  phpeek_plugin_api_v1 d = Good();
  d.abi_minor = 1;
  d.config_keys = keys;
  d.config_key_count = count;
  d.config_key_size = sizeof(phpeek_config_key);
  return d;
}

TEST(NegotiateSchema, CopiesTypedKeysThenUntypedOnes) {
  const char* const untyped[] = {"spool_mode", "legacy_key", nullptr};  // spool_mode is typed
  phpeek_plugin_api_v1 d = Typed(kKeys, 3);
  d.global_keys = untyped;
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 1, &out, &reason)) << reason;
  ASSERT_EQ(out.keys.size(), 4u);
  EXPECT_EQ(out.keys[0].name, "spool_poll");
  EXPECT_EQ(out.keys[0].type, config::KeyType::kDuration);
  EXPECT_EQ(out.keys[0].min, 100);
  EXPECT_FALSE(out.keys[0].max.has_value());
  EXPECT_EQ(out.keys[0].default_text, "2s");
  EXPECT_EQ(out.keys[0].help, "How often");
  EXPECT_EQ(out.keys[1].allowed, (std::vector<std::string>{"fast", "safe"}));
  EXPECT_TRUE(out.keys[2].empty_is_unset);
  EXPECT_FALSE(out.keys[2].default_text.has_value());
  EXPECT_EQ(out.keys[3].name, "legacy_key");
  EXPECT_EQ(out.keys[3].type, config::KeyType::kUntyped);
}

// A later minor may append members to phpeek_config_key: entries are read by the plugin's size.
TEST(NegotiateSchema, ReadsEntriesByThePluginsEntrySize) {
  struct FutureKey {
    phpeek_config_key k;
    const char* unit;
  };
  const FutureKey keys[] = {
      {{"a_one", "one", PHPEEK_KEY_INT, 0, 0, 0, "1", nullptr}, "apples"},
      {{"a_two", "two", 42 /* a type from a newer SDK */, 0, 0, 0, nullptr, nullptr}, "pears"}};
  phpeek_plugin_api_v1 d = Typed(&keys[0].k, 2);
  d.config_key_size = sizeof(FutureKey);
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 1, &out, &reason)) << reason;
  ASSERT_EQ(out.keys.size(), 2u);
  EXPECT_EQ(out.keys[1].name, "a_two");
  EXPECT_EQ(out.keys[1].type, config::KeyType::kUntyped);  // passed as written
}

TEST(NegotiateSchema, RefusesBadDeclarationsWithTheKeyAndTheReason) {
  phpeek_plugin_api_v1 d = Typed(kKeys, 3);
  d.config_key_size = 8;
  EXPECT_EQ(Refusal(&d, 1), "config_key_size 8 is not the size of a phpeek_config_key (at least " +
                                std::to_string(PHPEEK_CONFIG_KEY_V1_1_SIZE) + ")");
  d = Typed(kKeys, 300);
  EXPECT_EQ(Refusal(&d, 1), "config_key_count 300 is above 256");
  const phpeek_config_key twice[] = {kKeys[0], kKeys[0]};
  d = Typed(twice, 2);
  EXPECT_EQ(Refusal(&d, 1), "config key 'spool_poll' is declared twice");
  const phpeek_config_key bad[] = {
      {"Spool-Poll", "h", PHPEEK_KEY_INT, 0, 0, 0, nullptr, nullptr},
      {"no_help", nullptr, PHPEEK_KEY_INT, 0, 0, 0, nullptr, nullptr},
      {"bad_default", "h", PHPEEK_KEY_INT, PHPEEK_KEY_FLAG_HAS_MAX, 0, 9, "10", nullptr},
      {"no_type", "h", 0, 0, 0, 0, nullptr, nullptr},
      {"no_words", "h", PHPEEK_KEY_ENUM, 0, 0, 0, nullptr, nullptr},
      {nullptr, "h", PHPEEK_KEY_INT, 0, 0, 0, nullptr, nullptr},
  };
  const std::vector<std::string> expected = {
      "config key 0 'Spool-Poll': name must be [a-z0-9_]+, at most 64 characters",
      "config key 0 'no_help': help, default or allowed values are missing, too long or "
      "unterminated",
      "config key 0 'bad_default': default '10': must be at most 9, got 10",
      "config key 0 'no_type': type 0 is not a PHPEEK_KEY_* type",
      "config key 0 'no_words': an enum needs 1 to 64 allowed values",
      "config key 0: name is missing, longer than 64 characters or unterminated",
  };
  for (size_t i = 0; i < expected.size(); ++i) {
    d = Typed(&bad[i], 1);
    EXPECT_EQ(Refusal(&d, 1), expected[i]) << i;
  }
}

// A 1.0 descriptor (struct_size without the 1.1 members) has no typed keys, whatever follows it.
TEST(NegotiateSchema, A10DescriptorHasNoTypedKeys) {
  phpeek_plugin_api_v1 d = Typed(kKeys, 3);
  d.struct_size = PHPEEK_PLUGIN_API_V1_0_SIZE;
  LoadedPlugin out;
  std::string reason;
  ASSERT_TRUE(Negotiate(&d, "demo", 1, &out, &reason)) << reason;
  EXPECT_TRUE(out.keys.empty());
  EXPECT_EQ(out.api.validate_config, nullptr);
}

TEST(PluginName, FollowsTheProcessNameRule) {
  EXPECT_TRUE(IsValidPluginName("rest-api"));
  EXPECT_TRUE(IsValidPluginName("a.b_c-9"));
  EXPECT_FALSE(IsValidPluginName(""));
  EXPECT_FALSE(IsValidPluginName("Rest"));
  EXPECT_FALSE(IsValidPluginName("-x"));
  EXPECT_FALSE(IsValidPluginName("a/b"));
  EXPECT_FALSE(IsValidPluginName(std::string(65, 'a')));
}

// Loads fixture `name` and returns the error (empty when it loaded).
std::string LoadError(const std::string& name, LoadOutcome expected = LoadOutcome::kFailed) {
  LoadedPlugin out;
  std::string err;
  EXPECT_EQ(LoadPlugin(PluginRequest{name, phpeek::testing::FixturePlugin(name)}, &out, &err),
            expected)
      << err;
  return err;
}

TEST(LoadPlugin, LoadsAGoodPluginAndItsDeclaredKeys) {
  LoadedPlugin out;
  std::string err;
  ASSERT_EQ(LoadPlugin(PluginRequest{"slow-stop", phpeek::testing::FixturePlugin("slow-stop")},
                       &out, &err),
            LoadOutcome::kLoaded)
      << err;
  EXPECT_EQ(out.path, phpeek::testing::FixturePlugin("slow-stop"));
  EXPECT_EQ(out.version, "0.0.1");
  ASSERT_EQ(out.keys.size(), 1u);
  EXPECT_EQ(out.keys[0].name, "slow_stop_ms");
  EXPECT_EQ(out.keys[0].type, config::KeyType::kUntyped);
}

TEST(LoadPlugin, NewerMinorThatAcceptsThisHostLoads) {
  EXPECT_EQ(LoadError("newer-minor-compatible", LoadOutcome::kLoaded), "");
}

TEST(LoadPlugin, EachFailureFixtureGetsItsMessage) {
  const std::string dir = PHPEEK_FIXTURE_DIR;
  EXPECT_EQ(LoadError("absent", LoadOutcome::kAbsent),
            "plugin 'absent': not found at " + dir + "/absent.so");
  EXPECT_EQ(LoadError("wrong-major"), "plugin 'wrong-major' (" +
                                          phpeek::testing::FixturePlugin("wrong-major") +
                                          "): built for ABI 2.0, this host speaks ABI 1.1");
  EXPECT_EQ(LoadError("newer-minor"),
            "plugin 'newer-minor' (" + phpeek::testing::FixturePlugin("newer-minor") +
                "): built for ABI 1.2 (needs a host with ABI >= 1.2), this host speaks ABI 1.1; "
                "upgrade phpeek-pm or rebuild the plugin against an older SDK");
  EXPECT_EQ(LoadError("not-a-plugin"),
            "plugin 'not-a-plugin' (" + phpeek::testing::FixturePlugin("not-a-plugin") +
                "): not a phpeek-pm plugin, or built for another ABI major: no "
                "phpeek_plugin_entry_v1 symbol");
  EXPECT_EQ(LoadError("v2-only"),
            "plugin 'v2-only' (" + phpeek::testing::FixturePlugin("v2-only") +
                "): not a phpeek-pm plugin, or built for another ABI major: no "
                "phpeek_plugin_entry_v1 symbol (it exports phpeek_plugin_entry_v2: built for ABI "
                "major 2, this host speaks ABI 1.1)");
  EXPECT_EQ(LoadError("null-hook"), "plugin 'null-hook' (" +
                                        phpeek::testing::FixturePlugin("null-hook") +
                                        "): required hook 'stop' is NULL");
  EXPECT_EQ(
      LoadError("declines"),
      "plugin 'declines' (" + phpeek::testing::FixturePlugin("declines") +
          "): the plugin declined to load (its entry returned NULL; this host speaks ABI 1.1)");
  EXPECT_EQ(LoadError("wrong-name"),
            "plugin 'wrong-name' (" + phpeek::testing::FixturePlugin("wrong-name") +
                "): descriptor says its name is 'someone-else', but it was loaded as 'wrong-name'");
  const std::string garbage = LoadError("garbage");
  EXPECT_EQ(garbage.rfind("plugin 'garbage' (" + phpeek::testing::FixturePlugin("garbage") +
                              "): cannot be loaded: ",
                          0),
            0u)
      << garbage;
  EXPECT_NE(garbage.find("invalid ELF header"), std::string::npos) << garbage;
  LoadedPlugin out;
  std::string err;
  EXPECT_EQ(LoadPlugin(PluginRequest{"Bad/Name", "/x.so"}, &out, &err), LoadOutcome::kFailed);
  EXPECT_EQ(err, "plugin 'Bad/Name': invalid name (use [a-z0-9][a-z0-9_.-]*, at most 64)");
}

}  // namespace
}  // namespace phpeek::plugin_host
