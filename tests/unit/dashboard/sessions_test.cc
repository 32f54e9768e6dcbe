#include "plugins/dashboard/sessions.h"

#include <gtest/gtest.h>

#include "plugins/dashboard/cookies.h"

namespace phpeek::dashboard {
namespace {

using namespace std::chrono_literals;

struct ManualClock {
  SessionStore::Clock::time_point now{};
  SessionStore::Now fn() {
    return [this] { return now; };
  }
};

TEST(DashboardCookies, TheSessionCookieIsFoundAmongOthers) {
  EXPECT_EQ(CookieValue("phpeek_dashboard=abc", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("a=1; phpeek_dashboard=abc ; b=2", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("xphpeek_dashboard=abc", kSessionCookie), std::nullopt);
  EXPECT_EQ(CookieValue("", kSessionCookie), std::nullopt);
  EXPECT_EQ(CookieValue("phpeek_dashboard", kSessionCookie), std::nullopt);
}

TEST(DashboardCookies, ScriptsCannotReadItAndOtherSitesCannotSendIt) {
  const std::string cookie = SessionCookie("abc", 2h, false);
  EXPECT_EQ(cookie, "phpeek_dashboard=abc; Path=/; Max-Age=7200; HttpOnly; SameSite=Strict");
  EXPECT_NE(SessionCookie("abc", 2h, true).find("; Secure"), std::string::npos);
  EXPECT_NE(ExpiredSessionCookie(false).find("Max-Age=0"), std::string::npos);
}

TEST(DashboardSessions, IdsAreRandomAndLong) {
  SessionStore store(1h, 8);
  const SessionStore::Session a = store.Create();
  const SessionStore::Session b = store.Create();
  EXPECT_EQ(a.id.size(), 64u);
  EXPECT_NE(a.id, b.id);
  EXPECT_NE(a.id, a.csrf);
  EXPECT_EQ(a.id.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(DashboardSessions, ASessionEndsWhenItsTimeIsUp) {
  ManualClock clock;
  SessionStore store(10min, 8, clock.fn());
  const SessionStore::Session s = store.Create();
  clock.now += 9min;
  ASSERT_TRUE(store.Find(s.id).has_value());
  EXPECT_EQ(store.Find(s.id)->csrf, s.csrf);
  clock.now += 1min;
  EXPECT_FALSE(store.Find(s.id).has_value());
}

TEST(DashboardSessions, BeyondCapacityTheOldestMakesRoom) {
  ManualClock clock;
  SessionStore store(1h, 2, clock.fn());
  const SessionStore::Session first = store.Create();
  clock.now += 1s;
  const SessionStore::Session second = store.Create();
  clock.now += 1s;
  const SessionStore::Session third = store.Create();
  EXPECT_FALSE(store.Find(first.id).has_value());
  EXPECT_TRUE(store.Find(second.id).has_value());
  EXPECT_TRUE(store.Find(third.id).has_value());
}

TEST(DashboardSessions, LogoutAndClearEndSessions) {
  SessionStore store(1h, 8);
  const SessionStore::Session a = store.Create();
  const SessionStore::Session b = store.Create();
  store.Remove(a.id);
  EXPECT_FALSE(store.Find(a.id).has_value());
  EXPECT_TRUE(store.Find(b.id).has_value());
  store.Clear();
  EXPECT_FALSE(store.Find(b.id).has_value());
}

}  // namespace
}  // namespace phpeek::dashboard
