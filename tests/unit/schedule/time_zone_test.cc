// TimeZone: lookup, offsets, and Resolve (wall-clock time to instants) checked against the date
// library's own answer for every minute around each 2025 transition of several zones.
#include "core/schedule/time_zone.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

#include "tests/unit/schedule/time_text.h"

namespace phpeek::schedule {
namespace {

using std::chrono::seconds;

std::string FindError(const std::string& name) {
  TimeZone zone;
  std::string err;
  EXPECT_FALSE(TimeZone::Find(name, &zone, &err)) << name;
  return err;
}

LocalTime LocalAt(const std::string& text) { return LocalTime{Utc(text).time_since_epoch()}; }

// Sets TZ for the process while it lives (tests only: single-threaded), restoring it after.
class ScopedTz {
 public:
  explicit ScopedTz(const char* value) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", value, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(TimeZoneTest, FindsUtcLocalAndDatabaseZones) {
  EXPECT_EQ(Zone("UTC").name(), "UTC");
  EXPECT_EQ(Zone("Local").name(), "Local");
  EXPECT_EQ(Zone("Europe/Berlin").name(), "Europe/Berlin");
  EXPECT_EQ(Zone("Etc/UTC").name(), "Etc/UTC");
  EXPECT_EQ(TimeZone().name(), "UTC");
}

TEST(TimeZoneTest, UnknownNames) {
  const std::string not_found = "is not in the system's time zone database (/usr/share/zoneinfo)";
  for (const char* name :
       {"Europe/Berln", "europe/berlin", "utc", "local", "", "Mars/Olympus", "../../etc/passwd",
        "/usr/share/zoneinfo/UTC", "Europe/", "zone.tab", "posixrules"}) {
    EXPECT_EQ(FindError(name), not_found) << name;
  }
  EXPECT_EQ(FindError(std::string(10000, 'a')), not_found);
}

TEST(TimeZoneTest, NamesForHints) {
  const std::vector<std::string> names = TimeZoneNames();
  for (const char* name :
       {"UTC", "Local", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_GT(names.size(), 300u);
}

TEST(TimeZoneTest, Offsets) {
  const TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_EQ(berlin.OffsetAt(Utc("2025-01-15T12:00:00Z")), seconds{3600});
  EXPECT_EQ(berlin.OffsetAt(Utc("2025-07-15T12:00:00Z")), seconds{7200});
  EXPECT_EQ(berlin.OffsetAt(Utc("2025-03-30T00:59:59Z")), seconds{3600});
  EXPECT_EQ(berlin.OffsetAt(Utc("2025-03-30T01:00:00Z")), seconds{7200});
  const TimeZone howe = Zone("Australia/Lord_Howe");
  EXPECT_EQ(howe.OffsetAt(Utc("2025-07-01T00:00:00Z")), seconds{37800});  // +10:30
  EXPECT_EQ(howe.OffsetAt(Utc("2025-01-01T00:00:00Z")), seconds{39600});  // +11:00
  EXPECT_EQ(TimeZone::Utc().OffsetAt(Utc("2025-07-15T12:00:00Z")), seconds{0});
  EXPECT_EQ(Wall(berlin, Utc("2025-07-15T12:00:00Z")), "2025-07-15 14:00");
}

TEST(TimeZoneTest, ResolveGapFoldAndOrdinary) {
  const TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_TRUE(berlin.Resolve(LocalAt("2025-03-30T02:30:00Z")).empty());  // skipped
  EXPECT_EQ(berlin.Resolve(LocalAt("2025-03-30T03:00:00Z")),
            std::vector<Instant>{Utc("2025-03-30T01:00:00Z")});
  EXPECT_EQ(berlin.Resolve(LocalAt("2025-10-26T02:30:00Z")),
            (std::vector<Instant>{Utc("2025-10-26T00:30:00Z"), Utc("2025-10-26T01:30:00Z")}));
  EXPECT_EQ(berlin.Resolve(LocalAt("2025-06-01T12:00:00Z")),
            std::vector<Instant>{Utc("2025-06-01T10:00:00Z")});
  const TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.Resolve(LocalAt("2025-03-30T02:30:00Z")),
            std::vector<Instant>{Utc("2025-03-30T02:30:00Z")});
}

// The date library answers the same question itself (local_info); Resolve must agree with it at
// every minute from 6 hours before to 6 hours after each 2025 transition.
TEST(TimeZoneTest, ResolveAgreesWithTheLibraryAroundEveryTransition) {
  for (const char* name : {"Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
                           "Asia/Kolkata", "Pacific/Chatham", "America/Santiago"}) {
    const TimeZone zone = Zone(name);
    const date::time_zone* lib = date::locate_zone(name);
    date::sys_seconds t = date::sys_days{date::year{2025} / 1 / 1};
    int transitions = 0;
    while (true) {
      const Instant change = lib->get_info(t).end;
      if (change >= date::sys_days{date::year{2026} / 1 / 1}) break;
      const LocalTime around = zone.ToLocal(change);
      for (int minute = -360; minute <= 360; ++minute) {
        const LocalTime local = around + std::chrono::minutes{minute};
        const date::local_info li = lib->get_info(date::local_seconds{local.time_since_epoch()});
        std::vector<Instant> expected;
        if (li.result != date::local_info::nonexistent) {
          expected.push_back(Instant{local.time_since_epoch() - li.first.offset});
        }
        if (li.result == date::local_info::ambiguous) {
          expected.push_back(Instant{local.time_since_epoch() - li.second.offset});
        }
        std::sort(expected.begin(), expected.end());
        ASSERT_EQ(zone.Resolve(local), expected) << name << " " << Iso(change) << " " << minute;
      }
      ++transitions;
      t = change;
    }
    EXPECT_EQ(transitions, std::string(name) == "Asia/Kolkata" ? 0 : 2) << name;
  }
}

// Local follows the process's zone (TZ), through glibc, with the same answers as the database.
TEST(TimeZoneTest, LocalFollowsTz) {
  const TimeZone local = TimeZone::Local();
  {
    ScopedTz tz("America/New_York");
    EXPECT_EQ(local.OffsetAt(Utc("2025-07-01T12:00:00Z")), seconds{-4 * 3600});
    EXPECT_TRUE(local.Resolve(LocalAt("2025-03-09T02:30:00Z")).empty());
    EXPECT_EQ(local.Resolve(LocalAt("2025-11-02T01:30:00Z")),
              (std::vector<Instant>{Utc("2025-11-02T05:30:00Z"), Utc("2025-11-02T06:30:00Z")}));
  }
  {
    ScopedTz tz("UTC");
    EXPECT_EQ(local.OffsetAt(Utc("2025-07-01T12:00:00Z")), seconds{0});
  }
  {
    ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");  // a POSIX TZ string, no database needed
    EXPECT_EQ(local.OffsetAt(Utc("2025-07-01T12:00:00Z")), seconds{7200});
    EXPECT_TRUE(local.Resolve(LocalAt("2025-03-30T02:30:00Z")).empty());
  }
}

}  // namespace
}  // namespace phpeek::schedule
