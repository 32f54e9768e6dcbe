// Parsing of cron expressions: fields into bit sets, every bad field reported, and the calendar
// check that a day-of-month/month combination can occur at all.
#include "core/schedule/cron_expression.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace phpeek::schedule {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;                   // highest value that may be written (7 for day-of-week)
  int star_max;              // top of `*` and of `n/step` (6 for day-of-week: 7 is Sunday again)
  const char* const* names;  // three-letter names for min, min+1, ...; nullptr when none
  size_t name_count;
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
constexpr const char* kMonthFullNames[] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};

constexpr std::array<FieldSpec, 5> kFields = {{
    {"minute", 0, 59, 59, nullptr, 0},
    {"hour", 0, 23, 23, nullptr, 0},
    {"day-of-month", 1, 31, 31, nullptr, 0},
    {"month", 1, 12, 12, kMonthNames, 12},
    {"day-of-week", 0, 7, 6, kDayNames, 7},
}};

struct Shorthand {
  const char* name;
  const char* fields;
};
constexpr Shorthand kShorthands[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

// Text quoted in a message: a pasted megabyte must not become a megabyte of log line.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 40;
  if (text.size() <= kMax) return std::string(text);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return std::string(text.substr(0, cut)) + "...";
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// Digits only, at most 4 of them (more is out of every range anyway).
bool SmallNumber(std::string_view text, int* value) {
  if (!AllDigits(text)) return false;
  if (text.size() > 4) {
    *value = 9999;
  } else {
    *value = std::stoi(std::string(text));
  }
  return true;
}

bool ParseValue(std::string_view text, const FieldSpec& f, int* value, std::string* why) {
  if (text.empty()) {
    *why = "a number is missing";
    return false;
  }
  if (!SmallNumber(text, value)) {
    const std::string upper = Upper(text);
    const auto* end = f.names + f.name_count;
    const auto* it = f.names == nullptr ? end : std::find(f.names, end, upper);
    if (f.names == nullptr || it == end) {
      *why = "'" + Shown(text) + "' is not a number";
      return false;
    }
    *value = f.min + static_cast<int>(it - f.names);
  }
  if (*value < f.min || *value > f.max) {
    *why = Shown(text) + " is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max);
    return false;
  }
  return true;
}

struct Element {
  int lo = 0, hi = 0, step = 1;
  bool star = false;  // `*` or `?`
};

// `*`, `?`, `n`, `a-b`, each optionally followed by `/step`.
bool ParseElement(std::string_view element, const FieldSpec& f, Element* e, std::string* why) {
  std::string_view range = element;
  const size_t slash = element.find('/');
  if (slash != std::string_view::npos) {
    range = element.substr(0, slash);
    const std::string_view step = element.substr(slash + 1);
    if (!SmallNumber(step, &e->step) || e->step < 1 || e->step > f.max) {
      *why = "bad step '" + Shown(step) + "'";
      return false;
    }
  }
  if (range == "*" || range == "?") {
    e->star = true;
    e->lo = f.min;
    e->hi = f.star_max;
    return true;
  }
  const size_t dash = range.find('-');
  if (dash == std::string_view::npos) {
    if (!ParseValue(range, f, &e->lo, why)) return false;
    e->hi = slash == std::string_view::npos ? e->lo : std::max(e->lo, f.star_max);
    return true;
  }
  if (!ParseValue(range.substr(0, dash), f, &e->lo, why)) return false;
  if (!ParseValue(range.substr(dash + 1), f, &e->hi, why)) return false;
  if (e->lo > e->hi) {
    *why = "range " + Shown(range) + " runs backwards";
    return false;
  }
  return true;
}

// Sets the field's bits; `unrestricted` is true for `*`, `?`, `*/1`.
template <size_t N>
bool ParseField(std::string_view field, const FieldSpec& f, std::bitset<N>* bits,
                bool* unrestricted, std::string* why) {
  bits->reset();
  size_t elements = 0;
  bool star = false;
  size_t start = 0;
  while (true) {
    const size_t comma = field.find(',', start);
    const std::string_view text = field.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (text.empty()) {
      *why = "empty element in '" + Shown(field) + "'";
      return false;
    }
    Element e;
    if (!ParseElement(text, f, &e, why)) return false;
    for (int v = e.lo; v <= e.hi; v += e.step)
      bits->set(static_cast<size_t>(v % static_cast<int>(N)));
    star = e.star && e.step == 1;
    ++elements;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  *unrestricted = elements == 1 && star;
  return true;
}

unsigned MaxDaysIn(unsigned month) {  // February counts its 29th: it occurs in leap years
  constexpr unsigned kDays[] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month];
}

// A restricted day-of-month that no month of the month field has (`31 2`, `30,31 feb`) never
// fires unless the weekday field offers days of its own.
bool NeverFires(const CronExpression& e, std::string_view dom_text, CronProblem* problem) {
  if (!e.day_of_month_restricted || e.day_of_week_restricted) return false;
  std::string months;
  for (unsigned m = 1; m <= 12; ++m) {
    if (!e.months[m]) continue;
    for (unsigned d = 1; d <= MaxDaysIn(m); ++d) {
      if (e.days_of_month[d]) return false;
    }
    months += (months.empty() ? "" : ", ") + std::string(kMonthFullNames[m - 1]);
  }
  *problem = {"day-of-month", "'" + Shown(dom_text) + "' never occurs in " + months +
                                  ", so the schedule never fires"};
  return true;
}

std::vector<std::string_view> SplitBlanks(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    const size_t start = i;
    while (i < text.size() && !IsBlank(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

bool ParseFields(const std::vector<std::string_view>& fields, CronExpression* out,
                 std::vector<CronProblem>* problems) {
  const size_t before = problems->size();
  bool unused = false, dom_star = false, dow_star = false;
  std::string why;
  auto field = [&](size_t i, auto* bits, bool* unrestricted) {
    why.clear();
    if (!ParseField(fields[i], kFields[i], bits, unrestricted, &why)) {
      problems->push_back({kFields[i].name, why});
    }
  };
  field(0, &out->minutes, &unused);
  field(1, &out->hours, &unused);
  field(2, &out->days_of_month, &dom_star);
  field(3, &out->months, &unused);
  field(4, &out->days_of_week, &dow_star);
  out->day_of_month_restricted = !dom_star;
  out->day_of_week_restricted = !dow_star;
  if (problems->size() != before) return false;
  CronProblem never;
  if (NeverFires(*out, fields[2], &never)) {
    problems->push_back(never);
    return false;
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

bool CronExpression::MatchesDay(unsigned day_of_month, unsigned day_of_week) const {
  const bool dom = days_of_month[day_of_month];
  const bool dow = days_of_week[day_of_week % 7];
  if (day_of_month_restricted && day_of_week_restricted) return dom || dow;
  return dom && dow;
}

bool ParseCronExpression(std::string_view text, CronExpression* out,
                         std::vector<CronProblem>* problems) {
  const std::string_view trimmed = Trim(text);
  CronExpression e;
  e.text = std::string(trimmed);
  std::string_view fields_text = trimmed;
  if (!trimmed.empty() && trimmed.front() == '@') {
    const std::string lower = [&] {
      std::string s(trimmed);
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return s;
    }();
    const auto* it = std::find_if(std::begin(kShorthands), std::end(kShorthands),
                                  [&](const Shorthand& s) { return lower == s.name; });
    if (it == std::end(kShorthands)) {
      problems->push_back({"", "unknown shorthand '" + Shown(trimmed) +
                                   "' (use @yearly, @annually, @monthly, @weekly, @daily, "
                                   "@midnight or @hourly)"});
      return false;
    }
    fields_text = it->fields;
  }
  const std::vector<std::string_view> fields = SplitBlanks(fields_text);
  if (fields.size() != kFields.size()) {
    std::string message = "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size());
    if (fields.size() > kFields.size()) message += ": a seconds or year field is not supported";
    problems->push_back({"", message});
    return false;
  }
  if (!ParseFields(fields, &e, problems)) return false;
  *out = std::move(e);
  return true;
}

std::string DescribeCronProblems(const std::vector<CronProblem>& problems) {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += "; ";
    out += p.field.empty() ? p.message : p.field + ": " + p.message;
  }
  return out;
}

}  // namespace phpeek::schedule
