#include "plugins/metrics/exposition.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

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

void AppendValue(std::string* out, double value) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else {
    char buf[32];
    // Whole numbers (counts, bytes, exit codes) print as integers: to_chars' shortest form would
    // write 12000000000 as 1.2e+10. Up to 2^53 every integer is exact in a double.
    constexpr double kExactIntegers = 9007199254740992.0;
    const bool integral = std::fabs(value) < kExactIntegers && value == std::trunc(value);
    const auto res = integral ? std::to_chars(buf, buf + sizeof(buf), static_cast<int64_t>(value))
                              : std::to_chars(buf, buf + sizeof(buf), value);
    out->append(buf, res.ptr);
  }
}

}  // namespace

Family& Family::AddRendered(std::string_view labels, double value, std::string_view suffix) {
  lines.append(name).append(suffix);
  if (!labels.empty()) lines.append(1, '{').append(labels).push_back('}');
  lines.push_back(' ');
  AppendValue(&lines, value);
  lines.push_back('\n');
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
  std::string out;
  AppendValue(&out, value);
  return out;
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
