// TimeZone over three sources: a fixed zero offset, glibc's localtime_r for the daemon's own zone,
// and the date library's zone database for IANA names. Conversions from wall-clock time to
// instants are derived from "offset at an instant" alone (Resolve), so every zone, Local
// included, goes through the same DST gap and fold logic.
#include "core/schedule/time_zone.h"

#include <date/tz.h>

#include <algorithm>
#include <ctime>
#include <exception>

namespace phpeek::schedule {
namespace {

using std::chrono::seconds;

const date::time_zone* DatabaseZone(const void* zone) {
  return static_cast<const date::time_zone*>(zone);
}

// The database lists zones once, on first use, by walking /usr/share/zoneinfo.
bool HaveDatabase(std::string* err) {
  try {
    date::get_tzdb();
    return true;
  } catch (const std::exception&) {
    *err =
        "cannot be used: there is no time zone database in /usr/share/zoneinfo (install the "
        "tzdata package; UTC and Local work without it)";
    return false;
  }
}

}  // namespace

TimeZone::TimeZone() = default;

TimeZone::TimeZone(Kind kind, std::string name, const void* zone)
    : kind_(kind), name_(std::move(name)), zone_(zone) {}

TimeZone TimeZone::Utc() { return TimeZone(); }

TimeZone TimeZone::Local() { return TimeZone(Kind::kLocal, "Local", nullptr); }

bool TimeZone::Find(const std::string& name, TimeZone* out, std::string* err) {
  if (name == "UTC") {
    *out = Utc();
    return true;
  }
  if (name == "Local") {
    *out = Local();
    return true;
  }
  if (!HaveDatabase(err)) return false;
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::exception&) {
    *err = "is not in the system's time zone database (/usr/share/zoneinfo)";
    return false;
  }
  try {
    zone->get_info(date::sys_seconds{});  // reads the zone file now, once for the process
  } catch (const std::exception& e) {
    *err = std::string("cannot be used: its zone file cannot be read: ") + e.what();
    return false;
  }
  *out = TimeZone(Kind::kDatabase, name, zone);
  return true;
}

seconds TimeZone::OffsetAt(Instant t) const {
  switch (kind_) {
    case Kind::kUtc:
      return seconds{0};
    case Kind::kLocal: {
      const std::time_t when = static_cast<std::time_t>(t.time_since_epoch().count());
      std::tm tm{};
      if (localtime_r(&when, &tm) == nullptr) return seconds{0};
      return seconds{tm.tm_gmtoff};
    }
    case Kind::kDatabase:
      try {
        return DatabaseZone(zone_)->get_info(t).offset;
      } catch (const std::exception&) {
        return seconds{0};  // not reached: the zone was loaded by Find
      }
  }
  return seconds{0};
}

Instant TimeZone::ToInstant(LocalTime local, seconds offset) const {
  return Instant{local.time_since_epoch() - offset};
}

LocalTime TimeZone::ToLocal(Instant t) const {
  return LocalTime{t.time_since_epoch() + OffsetAt(t)};
}

std::vector<Instant> TimeZone::Resolve(LocalTime local) const {
  if (kind_ == Kind::kUtc) return {ToInstant(local, seconds{0})};
  // Every offset in force within a day of `local` is a candidate; an instant is a real reading of
  // `local` when the zone's offset at that instant is the one that produced it. Zones change
  // offset at most once within a day, so the two ends of the window see both sides.
  std::vector<seconds> offsets;
  for (const int hours : {-24, -12, 0, 12, 24}) {
    offsets.push_back(OffsetAt(Instant{local.time_since_epoch() + std::chrono::hours{hours}}));
  }
  std::sort(offsets.begin(), offsets.end());
  offsets.erase(std::unique(offsets.begin(), offsets.end()), offsets.end());
  std::vector<Instant> out;
  for (const seconds offset : offsets) {
    const Instant candidate = ToInstant(local, offset);
    if (OffsetAt(candidate) == offset) out.push_back(candidate);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

const std::vector<std::string>& TimeZoneNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out = {"UTC", "Local"};
    std::string err;
    if (!HaveDatabase(&err)) return out;
    for (const auto& zone : date::get_tzdb().zones) out.push_back(zone.name());
    return out;
  }();
  return names;
}

}  // namespace phpeek::schedule
