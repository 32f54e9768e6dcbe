// `user:` and `group:` are resolved to ids when the file is loaded: numbers must fit uid_t/gid_t
// and not be the reserved (uid_t)-1, names must exist; each problem has its position.
#include "core/config/run_as.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/unit/config/config_test_util.h"

namespace phpeek::config {
namespace {

class RunAsTest : public ConfigTest {
 protected:
  // Loads process "web" with `body` after its command.
  LoadResult LoadWeb(const std::string& body) {
    return Load("processes:\n  web:\n    command: /bin/true\n" + body);
  }
};

TEST(ParseIdTest, NumbersNamesAndTheLimits) {
  uint32_t id = 7;
  std::string why;
  EXPECT_EQ(ParseId("0", "user", &id, &why), IdText::kId);
  EXPECT_EQ(id, 0u);
  EXPECT_EQ(ParseId("0033", "user", &id, &why), IdText::kId);
  EXPECT_EQ(id, 33u);
  EXPECT_EQ(ParseId("4294967294", "user", &id, &why), IdText::kId);
  EXPECT_EQ(id, 4294967294u);
  for (const char* name : {"www-data", "nobody", "+5", "1a", "-", "-x", "user1"}) {
    EXPECT_EQ(ParseId(name, "user", &id, &why), IdText::kName) << name;
  }
}

TEST(ParseIdTest, ValuesThatDoNotFitOrAreReserved) {
  uint32_t id = 7;
  std::string why;
  EXPECT_EQ(ParseId("4294967296", "user", &id, &why), IdText::kBadId);
  EXPECT_EQ(why, "user id 4294967296 is out of range (0 to 4294967294)");
  EXPECT_EQ(ParseId("18446744073709551616", "group", &id, &why), IdText::kBadId);
  EXPECT_EQ(why, "group id 18446744073709551616 is out of range (0 to 4294967294)");
  EXPECT_EQ(ParseId("-1", "user", &id, &why), IdText::kBadId);
  EXPECT_EQ(why, "user id -1 is out of range (0 to 4294967294)");
  EXPECT_EQ(ParseId("4294967295", "group", &id, &why), IdText::kBadId);
  EXPECT_EQ(why,
            "group id 4294967295 is reserved: (gid_t)-1 means 'leave unchanged' to the system "
            "(valid ids: 0 to 4294967294)");
  EXPECT_EQ(id, 7u);  // untouched
}

// 4294967296 used to wrap to 0 at spawn time: the child ran as root and check-config said valid.
TEST_F(RunAsTest, UidThatWrapsToRootIsAnErrorWithPosition) {
  const Diagnostic d = ExpectOneError(LoadWeb("    user: \"4294967296\"\n"), "processes.web.user");
  EXPECT_EQ(d.message, "user id 4294967296 is out of range (0 to 4294967294)");
  EXPECT_EQ(d.pos.line, 4);
  EXPECT_EQ(d.pos.column, 11);
  EXPECT_EQ(d.hint, "a name from the system's user/group database or a number");
}

TEST_F(RunAsTest, ReservedAndNegativeIdsAreErrors) {
  Diagnostic d = ExpectOneError(LoadWeb("    group: 4294967295\n"), "processes.web.group");
  EXPECT_NE(d.message.find("group id 4294967295 is reserved"), std::string::npos) << d.message;
  d = ExpectOneError(LoadWeb("    user: -1\n"), "processes.web.user");
  EXPECT_EQ(d.message, "user id -1 is out of range (0 to 4294967294)");
}

TEST_F(RunAsTest, UnknownNamesAreErrorsAndBothAreReported) {
  const LoadResult r = LoadWeb("    user: no-such-user-phpeek\n    group: no-such-group-phpeek\n");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(CountSeverity(r.diagnostics, Severity::kError), 2u) << Dump(r.diagnostics);
  const Diagnostic* user = FindDiag(r.diagnostics, "processes.web.user");
  const Diagnostic* group = FindDiag(r.diagnostics, "processes.web.group");
  ASSERT_TRUE(user && group) << Dump(r.diagnostics);
  EXPECT_EQ(user->message, "unknown user 'no-such-user-phpeek'");
  EXPECT_EQ(user->pos.line, 4);
  EXPECT_EQ(group->message, "unknown group 'no-such-group-phpeek'");
  EXPECT_EQ(group->pos.line, 5);
}

TEST_F(RunAsTest, NamesResolveToTheirIdsAndPrimaryGroup) {
  const ProcessSpec p = LoadProcess("    command: /bin/true\n    user: nobody\n");
  ASSERT_TRUE(p.run_as.has_value());
  EXPECT_EQ(p.run_as->uid, 65534u);
  EXPECT_EQ(p.run_as->gid, 65534u);  // nobody's primary group, nogroup
  EXPECT_EQ(p.run_as->groups, std::vector<gid_t>{65534u});
}

TEST_F(RunAsTest, NumbersAreUsedAsGivenAndGroupOverridesThePrimaryOne) {
  ProcessSpec p = LoadProcess("    command: /bin/true\n    user: \"4294967294\"\n");
  ASSERT_TRUE(p.run_as.has_value());
  EXPECT_EQ(p.run_as->uid, 4294967294u);  // no passwd entry: still usable
  EXPECT_EQ(p.run_as->gid, getgid());
  p = LoadProcess("    command: /bin/true\n    user: www-data\n    group: \"33\"\n");
  ASSERT_TRUE(p.run_as.has_value());
  EXPECT_EQ(p.run_as->uid, 33u);
  EXPECT_EQ(p.run_as->gid, 33u);
  p = LoadProcess("    command: /bin/true\n    group: nogroup\n");
  ASSERT_TRUE(p.run_as.has_value());
  EXPECT_EQ(p.run_as->uid, getuid());
  EXPECT_EQ(p.run_as->gid, 65534u);
  EXPECT_EQ(p.run_as->groups, std::vector<gid_t>{65534u});
}

TEST_F(RunAsTest, NoUserNoGroupNoSwitch) {
  EXPECT_FALSE(LoadProcess("    command: /bin/true\n").run_as.has_value());
}

}  // namespace
}  // namespace phpeek::config
