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

void AppendEscaped(std::string* out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '"':
        if (escape_quote) {
          out->append("\\\"");
        } else {
          out->push_back(c);
        }
        break;
      default:
        out->push_back(c);
    }
  }
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

void AppendSample(std::string* out, const std::string& name, const Sample& sample) {
  out->append(name);
  out->append(sample.suffix);
  if (!sample.labels.empty()) {
    out->push_back('{');
    bool first = true;
    for (const auto& [label, value] : sample.labels) {
      if (!first) out->push_back(',');
      first = false;
      out->append(label);
      out->append("=\"");
      AppendEscaped(out, value, /*escape_quote=*/true);
      out->push_back('"');
    }
    out->push_back('}');
  }
  out->push_back(' ');
  AppendValue(out, sample.value);
  out->push_back('\n');
}

}  // namespace

Family& Family::AddHistogram(const Labels& labels,
                             const std::vector<std::pair<double, double>>& buckets, double sum,
                             double count) {
  for (const auto& [bound, cumulative] : buckets) {
    Labels with_le = labels;
    with_le.emplace_back("le", FormatValue(bound));
    samples.push_back(Sample{std::move(with_le), cumulative, "_bucket"});
  }
  Labels inf = labels;
  inf.emplace_back("le", "+Inf");
  samples.push_back(Sample{std::move(inf), count, "_bucket"});
  samples.push_back(Sample{labels, sum, "_sum"});
  samples.push_back(Sample{labels, count, "_count"});
  return *this;
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
  size_t estimate = 0;
  for (const Family& f : families) estimate += 128 + f.samples.size() * (f.name.size() + 64);
  std::string out;
  out.reserve(estimate);
  for (const Family& f : families) {
    out.append("# HELP ").append(f.name).push_back(' ');
    AppendEscaped(&out, f.help, /*escape_quote=*/false);
    out.append("\n# TYPE ").append(f.name).push_back(' ');
    out.append(TypeName(f.type)).push_back('\n');
    for (const Sample& s : f.samples) AppendSample(&out, f.name, s);
  }
  return out;
}

}  // namespace phpeek::metrics
