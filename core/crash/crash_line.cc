#include "core/crash/crash_line.h"

#include <signal.h>
#include <time.h>

#include <cstring>

namespace phpeek::crash {
namespace {

constexpr const char* kMessage = "daemon crashed; stopping every process";

// Appends to a fixed buffer, silently cutting what does not fit (one byte is kept for '\n').
class Out {
 public:
  Out(char* buf, size_t size) : buf_(buf), cap_(size > 0 ? size - 1 : 0) {}
  Out& Str(const char* s) {
    while (s != nullptr && *s != '\0') Char(*s++);
    return *this;
  }
  Out& Char(char c) {
    if (len_ < cap_) buf_[len_++] = c;
    return *this;
  }
  Out& Uint(uint64_t v, int min_digits = 1) {
    char digits[24];
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0 || n < min_digits);
    while (n > 0) Char(digits[--n]);
    return *this;
  }
  Out& Int(int64_t v) {
    if (v < 0) Char('-');
    return Uint(v < 0 ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v));
  }
  Out& Hex(uintptr_t v) {
    Str("0x");
    char digits[20];
    int n = 0;
    do {
      digits[n++] = "0123456789abcdef"[v & 0xf];
      v >>= 4;
    } while (v != 0);
    while (n > 0) Char(digits[--n]);
    return *this;
  }
  // A JSON string literal escaped as core/json does, except that bytes above ASCII become '?' (a
  // thread name or an exception's text rarely needs them, and UTF-8 is not checked here).
  Out& Quoted(const char* s) {
    Char('"');
    for (; s != nullptr && *s != '\0'; ++s) {
      const auto c = static_cast<unsigned char>(*s);
      if (c == '"' || c == '\\') {
        Char('\\').Char(static_cast<char>(c));
      } else if (c == '\n' || c == '\r' || c == '\t') {
        Char('\\').Char(c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
      } else if (c >= 0x80) {
        Char('?');
      } else if (c < 0x20 || c == 0x7f) {
        Str("\\u00").Char("0123456789abcdef"[c >> 4]).Char("0123456789abcdef"[c & 0xf]);
      } else {
        Char(static_cast<char>(c));
      }
    }
    return Char('"');
  }
  size_t Finish() {
    buf_[len_++] = '\n';
    return len_;
  }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

// core/log's rule for a bare text value: non-empty printable ASCII without space, '"', '=', '\'.
bool Bare(const char* s) {
  if (s == nullptr || *s == '\0') return false;
  for (; *s != '\0'; ++s) {
    const auto c = static_cast<unsigned char>(*s);
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

// Calendar date of a day count since 1970-01-01 (proleptic Gregorian).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// 2026-12-06T10:11:12.345 then "Z" (JSON, UTC) or "+01:00" (text: local time, as
// text::FormatLocalMillis writes the logger's text lines; this one is async-signal-safe).
void Time(Out& out, bool utc, long offset_s) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const int64_t secs = now.tv_sec + (utc ? 0 : offset_s);
  int64_t days = secs / 86400;
  int64_t rest = secs % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  out.Int(y).Char('-').Uint(m, 2).Char('-').Uint(d, 2).Char('T');
  out.Uint(static_cast<uint64_t>(rest / 3600), 2).Char(':');
  out.Uint(static_cast<uint64_t>(rest / 60 % 60), 2).Char(':');
  out.Uint(static_cast<uint64_t>(rest % 60), 2).Char('.');
  out.Uint(static_cast<uint64_t>(now.tv_nsec / 1000000), 3);
  if (utc) {
    out.Char('Z');
    return;
  }
  const long off = offset_s < 0 ? -offset_s : offset_s;
  out.Char(offset_s < 0 ? '-' : '+').Uint(static_cast<uint64_t>(off / 3600), 2).Char(':');
  out.Uint(static_cast<uint64_t>(off / 60 % 60), 2);
}

// Writes the fields in either format: `key=value` / `,"key":value`.
class Fields {
 public:
  Fields(Out& out, bool json) : out_(out), json_(json) {}
  void Text(const char* key, const char* value) {
    Key(key);
    if (json_ || !Bare(value)) {
      out_.Quoted(value);
    } else {
      out_.Str(value);
    }
  }
  void Number(const char* key, int64_t value) {
    Key(key);
    out_.Int(value);
  }
  void Address(const char* key, uintptr_t value) {
    char hex[24];
    Out h(hex, sizeof hex);
    h.Hex(value);
    hex[h.Finish() - 1] = '\0';
    Text(key, hex);
  }

 private:
  void Key(const char* key) {
    if (json_) {
      out_.Char(',').Quoted(key).Char(':');
    } else {
      out_.Char(' ').Str(key).Char('=');
    }
  }
  Out& out_;
  bool json_;
};

}  // namespace

const char* CrashSignalName(int sig, char* buf, size_t size) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV";
    case SIGBUS:
      return "SIGBUS";
    case SIGILL:
      return "SIGILL";
    case SIGFPE:
      return "SIGFPE";
    case SIGABRT:
      return "SIGABRT";
    case SIGTRAP:
      return "SIGTRAP";
    case SIGSYS:
      return "SIGSYS";
  }
  Out out(buf, size);
  out.Str("signal ").Int(sig);
  buf[out.Finish() - 1] = '\0';
  return buf;
}

size_t RenderCrashLine(const CrashReport& r, bool json, long utc_offset_s, char* buf, size_t size) {
  Out out(buf, size);
  if (json) {
    out.Str("{\"time\":\"");
    Time(out, true, 0);
    out.Str("\",\"level\":\"error\",\"msg\":").Quoted(kMessage);
  } else {
    Time(out, false, utc_offset_s);
    out.Str(" error ").Str(kMessage);
  }
  Fields f(out, json);
  char name[24];
  f.Text("signal", CrashSignalName(r.signal, name, sizeof name));
  f.Text("cause", r.cause);
  if (r.sender > 0) f.Number("sender_pid", r.sender);
  if (r.has_address) f.Address("fault_address", r.fault_address);
  if (r.exception != nullptr) f.Text("exception", r.exception);
  f.Number("thread", r.thread);
  if (r.thread_name[0] != '\0') f.Text("thread_name", r.thread_name);
  if (r.plugin[0] != '\0') {
    f.Text("plugin", r.plugin);
    f.Text("plugin_via", r.plugin_via);
  }
  f.Number("process_groups", r.groups);
  f.Number("kill_after_ms", r.kill_after_ms);
  if (json) out.Char('}');
  return out.Finish();
}

}  // namespace phpeek::crash
