#include "plugins/metrics/exposition.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace phpeek::metrics {
namespace {

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// Copies the runs between special characters whole: a label value rarely has any.
void AppendEscaped(std::string* out, std::string_view text, bool escape_quote) {
  size_t from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escaped = c == '\\'                  ? "\\\\"
                          : c == '\n'                ? "\\n"
                          : c == '"' && escape_quote ? "\\\""
                                                     : nullptr;
    if (escaped == nullptr) continue;
    out->append(text.substr(from, i - from)).append(escaped);
    from = i + 1;
  }
  out->append(text.substr(from));
}

// The text of a sample value, in `buf`.
std::string_view ValueText(double value, char (&buf)[32]) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Whole numbers (counts, bytes, exit codes) print as integers: to_chars' shortest form would
  // write 12000000000 as 1.2e+10. Up to 2^53 every integer is exact in a double.
  constexpr double kExactIntegers = 9007199254740992.0;
  const bool integral = std::fabs(value) < kExactIntegers && value == std::trunc(value);
  const auto res = integral ? std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(value))
                            : std::to_chars(buf, buf + sizeof(buf), value);
  return std::string_view(buf, static_cast<size_t>(res.ptr - buf));
}

// Copies `part` to `*at` and advances it. An empty view may have no data (memcpy's null).
void Put(char** at, std::string_view part) {
  if (part.empty()) return;
  std::memcpy(*at, part.data(), part.size());
  *at += part.size();
}

}  // namespace

// The line's length is known before it is written, so it is one resize and copies, not a series of
// appends (each a call with its own capacity check: a few percent of a 500-instance scrape).
Family& Family::AddRendered(std::string_view labels, double value, std::string_view suffix) {
  char buf[32];
  const std::string_view text = ValueText(value, buf);
  const size_t braces = labels.empty() ? 0 : labels.size() + 2;
  const size_t start = lines.size();
  lines.resize(start + name.size() + suffix.size() + braces + text.size() + 2);
  char* at = lines.data() + start;
  Put(&at, name);
  Put(&at, suffix);
  if (braces > 0) {
    *at++ = '{';
    Put(&at, labels);
    *at++ = '}';
  }
  *at++ = ' ';
  Put(&at, text);
  *at = '\n';
  return *this;
}

Family& Family::Add(const Labels& labels, double value) {
  return AddRendered(RenderLabels(labels), value);
}

Family& Family::AddHistogram(const Labels& labels,
                             const std::vector<std::pair<double, double>>& buckets, double sum,
                             double count) {
  const std::string rendered = RenderLabels(labels);
  std::string with_le;
  for (const auto& [bound, cumulative] : buckets) {
    with_le = rendered;
    AppendLabel(&with_le, "le", FormatValue(bound));
    AddRendered(with_le, cumulative, "_bucket");
  }
  with_le = rendered;
  AppendLabel(&with_le, "le", "+Inf");
  AddRendered(with_le, count, "_bucket");
  AddRendered(rendered, sum, "_sum");
  AddRendered(rendered, count, "_count");
  return *this;
}

void AppendLabel(std::string* out, std::string_view name, std::string_view value) {
  if (!out->empty()) out->push_back(',');
  out->append(name).append("=\"");
  AppendEscaped(out, value, /*escape_quote=*/true);
  out->push_back('"');
}

std::string RenderLabels(const Labels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) AppendLabel(&out, name, value);
  return out;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  AppendEscaped(&out, value, /*escape_quote=*/true);
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  AppendEscaped(&out, help, /*escape_quote=*/false);
  return out;
}

std::string FormatValue(double value) {
  char buf[32];
  return std::string(ValueText(value, buf));
}

std::string RenderText(std::vector<Family> families) {
  std::stable_sort(families.begin(), families.end(),
                   [](const Family& a, const Family& b) { return a.name < b.name; });
  size_t size = 0;
  for (const Family& f : families) size += 32 + 2 * f.name.size() + f.help.size() + f.lines.size();
  std::string out;
  out.reserve(size);
  for (const Family& f : families) {
    out.append("# HELP ").append(f.name).push_back(' ');
    AppendEscaped(&out, f.help, /*escape_quote=*/false);
    out.append("\n# TYPE ").append(f.name).push_back(' ');
    out.append(TypeName(f.type)).push_back('\n');
    out.append(f.lines);
  }
  return out;
}

}  // namespace phpeek::metrics
