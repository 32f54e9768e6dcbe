#include "core/text/utc_time.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace phpeek::text {
namespace {

// "2026-12-06T15:04:05." of the last second formatted on this thread.
struct SecondPrefix {
  int64_t second = INT64_MIN;
  char text[32] = {};
  int len = 0;
};

}  // namespace

size_t FormatUtcMillis(char (&buf)[kUtcMillisMax], std::chrono::system_clock::time_point time) {
  thread_local SecondPrefix cached;  // trivially destructible: usable while a thread ends
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  // Floor division: a time before 1970 still has its milliseconds in 0..999.
  const int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  if (secs != cached.second) {
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    cached.len = std::snprintf(cached.text, sizeof cached.text, "%04d-%02d-%02dT%02d:%02d:%02d.",
                               tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                               tm.tm_sec);
    if (cached.len < 0 || cached.len > 27) cached.len = 0;  // no year of ours; never past buf
    cached.second = secs;
  }
  const int frac = static_cast<int>(ms - secs * 1000);
  size_t len = static_cast<size_t>(cached.len);
  std::memcpy(buf, cached.text, len);
  buf[len++] = static_cast<char>('0' + frac / 100);
  buf[len++] = static_cast<char>('0' + frac / 10 % 10);
  buf[len++] = static_cast<char>('0' + frac % 10);
  buf[len++] = 'Z';
  return len;
}

void AppendUtcMillis(std::string* out, std::chrono::system_clock::time_point time) {
  char buf[kUtcMillisMax];
  out->append(buf, FormatUtcMillis(buf, time));
}

std::string UtcMillis(std::chrono::system_clock::time_point time) {
  std::string out;
  AppendUtcMillis(&out, time);
  return out;
}

}  // namespace phpeek::text
