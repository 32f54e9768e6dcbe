// NextFireTime: walk the expression's matching wall-clock minutes forward (whole months and days
// are skipped at once), and take the first whose earliest real instant lies after `after`.
#include "core/schedule/fire_times.h"

namespace phpeek::schedule {
namespace {

using namespace std::chrono;

// The first minute at or after `from` that the expression matches, before day `limit`.
std::optional<LocalTime> NextMatchingMinute(const CronExpression& cron, LocalTime from,
                                            local_days limit) {
  local_days day = floor<days>(from);
  int minute_of_day = static_cast<int>(duration_cast<minutes>(from - day).count());
  while (day < limit) {
    const year_month_day ymd{day};
    if (!cron.months[static_cast<unsigned>(ymd.month())]) {
      day = local_days{(ymd.year() / ymd.month() + months{1}) / 1};
      minute_of_day = 0;
      continue;
    }
    if (cron.MatchesDay(static_cast<unsigned>(ymd.day()), weekday{day}.c_encoding())) {
      for (int h = minute_of_day / 60, m = minute_of_day % 60; h < 24; ++h, m = 0) {
        if (!cron.hours[static_cast<size_t>(h)]) continue;
        for (; m < 60; ++m) {
          if (cron.minutes[static_cast<size_t>(m)]) return day + hours{h} + minutes{m};
        }
      }
    }
    day += days{1};
    minute_of_day = 0;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Instant> NextFireTime(const CronExpression& cron, const TimeZone& zone,
                                    Instant after) {
  // Minutes whose first instant is not after `after`: those before it in a fold's second pass
  // (at most a day's worth) and minutes the clocks skip. A bound keeps a broken zone from
  // spinning.
  constexpr int kMaxCandidates = 20000;
  LocalTime from = floor<minutes>(zone.ToLocal(after));
  const local_days limit = floor<days>(from) + days{366 * kFireSearchYears};
  for (int i = 0; i < kMaxCandidates; ++i) {
    const std::optional<LocalTime> minute = NextMatchingMinute(cron, from, limit);
    if (!minute) return std::nullopt;
    const std::vector<Instant> instants = zone.Resolve(*minute);
    if (!instants.empty() && instants.front() > after) return instants.front();
    from = *minute + minutes{1};
  }
  return std::nullopt;
}

}  // namespace phpeek::schedule
