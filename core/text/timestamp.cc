#include "core/text/timestamp.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace phpeek::text {
namespace {

// What a second's times share: "2026-12-06T15:04:05." and what follows the milliseconds ("Z" or
// "+01:00"), for the last second formatted on this thread. Trivially destructible: usable while a
// thread ends.
struct CachedSecond {
  int64_t second = INT64_MIN;
  char head[32] = {};
  int head_len = 0;
  char tail[8] = {};
  int tail_len = 0;
};

// "+hh:mm" of `gmtoff` seconds east of UTC, or "Z" for UTC itself.
int FormatOffset(char (&tail)[8], long gmtoff, bool utc) {
  if (utc) return std::snprintf(tail, sizeof tail, "Z");
  const long minutes = std::labs(gmtoff) / 60;
  return std::snprintf(tail, sizeof tail, "%c%02ld:%02ld", gmtoff < 0 ? '-' : '+',
                       minutes / 60 % 100, minutes % 60);
}

void Refresh(CachedSecond* cached, int64_t secs, bool utc) {
  const std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  if (utc) {
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  cached->head_len =
      std::snprintf(cached->head, sizeof cached->head, "%04d-%02d-%02dT%02d:%02d:%02d.",
                    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (cached->head_len < 0 || cached->head_len > 23) cached->head_len = 0;  // never past buf
  cached->tail_len = FormatOffset(cached->tail, tm.tm_gmtoff, utc);
  if (cached->tail_len < 0 || cached->tail_len > 6) cached->tail_len = 0;
  cached->second = secs;
}

size_t FormatMillis(CachedSecond* cached, char (&buf)[kTimestampMax],
                    std::chrono::system_clock::time_point time, bool utc) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  // Floor division: a time before 1970 still has its milliseconds in 0..999.
  const int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (secs != cached->second) Refresh(cached, secs, utc);
  const int frac = static_cast<int>(ms - secs * 1000);
  size_t len = static_cast<size_t>(cached->head_len);
  std::memcpy(buf, cached->head, len);
  buf[len++] = static_cast<char>('0' + frac / 100);
  buf[len++] = static_cast<char>('0' + frac / 10 % 10);
  buf[len++] = static_cast<char>('0' + frac % 10);
  std::memcpy(buf + len, cached->tail, static_cast<size_t>(cached->tail_len));
  return len + static_cast<size_t>(cached->tail_len);
}

}  // namespace

size_t FormatUtcMillis(char (&buf)[kTimestampMax], std::chrono::system_clock::time_point time) {
  thread_local CachedSecond cached;
  return FormatMillis(&cached, buf, time, true);
}

size_t FormatLocalMillis(char (&buf)[kTimestampMax], std::chrono::system_clock::time_point time) {
  thread_local CachedSecond cached;
  return FormatMillis(&cached, buf, time, false);
}

void AppendUtcMillis(std::string* out, std::chrono::system_clock::time_point time) {
  char buf[kTimestampMax];
  out->append(buf, FormatUtcMillis(buf, time));
}

std::string UtcMillis(std::chrono::system_clock::time_point time) {
  std::string out;
  AppendUtcMillis(&out, time);
  return out;
}

}  // namespace phpeek::text
