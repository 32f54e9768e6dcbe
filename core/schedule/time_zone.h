// The time zone a job's schedule is read in (`schedule_timezone`): UTC, Local (the daemon's own
// zone, as cron uses) or an IANA zone from the system's tz database. The config loader calls
// FindTimeZone to validate the key; the scheduler (fire_times.h) converts between instants and
// local wall-clock times with it.
//
// Sources, chosen so that nothing here changes process-global state (TZ) that other threads read:
//  - IANA zones: Howard Hinnant's date library (Debian's libhowardhinnant-date-dev), built to read
//    the compiled zone files in /usr/share/zoneinfo; each zone is loaded once and shared,
//    read-only, by every thread afterwards. Limit of that build: it reads the files' transition
//    tables and not their POSIX footer, so DST rules are known up to 2037 (Debian's files list
//    transitions up to then); later years keep the last offset.
//  - Local: glibc's localtime_r, which follows TZ, /etc/localtime and POSIX TZ strings exactly as
//    cron and the rest of the system do, and is thread-safe as long as nobody changes TZ.
//  - UTC: no lookup at all, so it works in images without tzdata.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace phpeek::schedule {

using Instant = std::chrono::sys_seconds;
// A wall-clock reading in some zone, as seconds since 1970-01-01 00:00 of that wall clock.
using LocalTime = std::chrono::local_seconds;

class TimeZone {
 public:
  TimeZone();  // UTC
  static TimeZone Utc();
  static TimeZone Local();

  // "UTC", "Local" or a name of the system tz database ("Europe/Berlin"). The zone's data is
  // loaded here, so a broken zone file fails now, not at the first tick. On failure `err` ends a
  // sentence that starts with the name: "is not in the system's time zone database (...)".
  static bool Find(const std::string& name, TimeZone* out, std::string* err);

  const std::string& name() const { return name_; }

  // Local wall-clock time minus UTC at instant `t` (+3600 s for Berlin in winter).
  std::chrono::seconds OffsetAt(Instant t) const;
  Instant ToInstant(LocalTime local, std::chrono::seconds offset) const;
  LocalTime ToLocal(Instant t) const;
  // The instants whose wall-clock time here is `local`, earliest first: none when the clocks
  // skip it (DST starts), two when they pass it twice (DST ends), else one.
  std::vector<Instant> Resolve(LocalTime local) const;

 private:
  enum class Kind { kUtc, kLocal, kDatabase };
  TimeZone(Kind kind, std::string name, const void* zone);

  Kind kind_ = Kind::kUtc;
  std::string name_ = "UTC";
  const void* zone_ = nullptr;  // const date::time_zone*, owned by the library's database
};

// Names Find accepts: UTC, Local and every zone of the system database (read once per process),
// for "did you mean" hints.
const std::vector<std::string>& TimeZoneNames();

}  // namespace phpeek::schedule
