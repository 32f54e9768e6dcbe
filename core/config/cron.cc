#include "core/config/cron.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace phpeek::config {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // nullptr or 3-letter names for min..
};

constexpr const char* kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",  "JUL",
                                   "AUG", "SEP", "OCT", "NOV", "DEC", nullptr};
constexpr const char* kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", nullptr};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59, nullptr}, {"hour", 0, 23, nullptr},     {"day-of-month", 1, 31, nullptr},
    {"month", 1, 12, kMonths},  {"day-of-week", 0, 7, kDays},
};

bool ParseValue(const std::string& text, const FieldSpec& f, int* value, std::string* err) {
  const bool digits = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
  if (!text.empty() && digits && text.size() <= 4) {
    *value = std::stoi(text);
  } else {
    std::string upper(text);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool found = false;
    for (int i = 0; f.names != nullptr && f.names[i] != nullptr; ++i) {
      if (upper == f.names[i]) {
        *value = f.min + i;
        found = true;
      }
    }
    if (!found) {
      *err = std::string(f.name) + ": '" + text + "' is not a number";
      return false;
    }
  }
  if (*value < f.min || *value > f.max) {
    *err = std::string(f.name) + ": " + text + " is out of range " + std::to_string(f.min) + "-" +
           std::to_string(f.max);
    return false;
  }
  return true;
}

// One element of a comma list: `*`, `n`, `a-b`, each optionally followed by `/step`.
bool ValidateElement(const std::string& element, const FieldSpec& f, std::string* err) {
  std::string range = element;
  const size_t slash = element.find('/');
  if (slash != std::string::npos) {
    range = element.substr(0, slash);
    const std::string step = element.substr(slash + 1);
    int step_value = 0;
    const FieldSpec step_spec{f.name, 1, f.max, nullptr};
    if (!ParseValue(step, step_spec, &step_value, err)) {
      *err = std::string(f.name) + ": bad step '" + step + "'";
      return false;
    }
  }
  if (range == "*") return true;
  const size_t dash = range.find('-');
  int lo = 0;
  if (dash == std::string::npos) return ParseValue(range, f, &lo, err);
  int hi = 0;
  if (!ParseValue(range.substr(0, dash), f, &lo, err)) return false;
  if (!ParseValue(range.substr(dash + 1), f, &hi, err)) return false;
  if (lo > hi) {
    *err = std::string(f.name) + ": range " + range + " runs backwards";
    return false;
  }
  return true;
}

bool ValidateField(const std::string& field, const FieldSpec& f, std::string* err) {
  size_t start = 0;
  while (true) {
    const size_t comma = field.find(',', start);
    const std::string element = field.substr(start, comma - start);
    if (element.empty()) {
      *err = std::string(f.name) + ": empty element in '" + field + "'";
      return false;
    }
    if (!ValidateElement(element, f, err)) return false;
    if (comma == std::string::npos) return true;
    start = comma + 1;
  }
}

bool IsShorthand(const std::string& expression) {
  static const char* const kShorthands[] = {"@yearly", "@annually", "@monthly", "@weekly",
                                            "@daily",  "@midnight", "@hourly"};
  return std::any_of(std::begin(kShorthands), std::end(kShorthands),
                     [&](const char* s) { return expression == s; });
}

}  // namespace

bool ValidateCron(const std::string& expression, std::string* err) {
  if (IsShorthand(expression)) return true;
  std::istringstream in(expression);
  std::vector<std::string> fields;
  std::string field;
  while (in >> field) fields.push_back(field);
  if (fields.size() != 5) {
    *err = "expected 5 fields (minute hour day-of-month month day-of-week), got " +
           std::to_string(fields.size());
    return false;
  }
  // Every bad field is named, not only the first.
  std::string all;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string why;
    if (!ValidateField(fields[i], kFields[i], &why)) all += (all.empty() ? "" : "; ") + why;
  }
  if (all.empty()) return true;
  *err = all;
  return false;
}

}  // namespace phpeek::config
