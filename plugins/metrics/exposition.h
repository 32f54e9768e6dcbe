// Prometheus text exposition format 0.0.4: a metric family model and its renderer.
//
// Pure code, no I/O: callers build Family values and RenderText() turns them into the body of a
// /metrics response. Every family gets its HELP and TYPE lines (also when it has no samples, so
// dashboards see the family exist), label values and HELP text are escaped as the format requires,
// and the output order is stable: families sorted by name, samples in the order they were added
// (the builder adds them in configuration order, so successive scrapes list series identically).
//
// A sample is rendered into its family's text when it is added, not kept as a label vector to be
// rendered later: the profile of a 500-instance scrape put a tenth of the daemon's CPU in building
// those vectors, copying and freeing them. Labels shared by several samples (an instance's name and
// id) can be rendered once with RenderLabels() and added with AddRendered().
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::metrics {

enum class MetricType { kGauge, kCounter, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*; set before samples are added (they use it)
  std::string help;
  MetricType type = MetricType::kGauge;
  std::string lines;  // the samples, rendered: "<name><suffix>{<labels>} <value>\n" each

  Family& Add(const Labels& labels, double value);
  // A sample whose labels RenderLabels() wrote (`a="x",b="y"`; empty: no labels).
  Family& AddRendered(std::string_view labels, double value, std::string_view suffix = {});
  // One histogram series: a `_bucket` sample per bound (label le, cumulative counts, then +Inf =
  // `count`), `_sum` and `_count`.
  Family& AddHistogram(const Labels& labels, const std::vector<std::pair<double, double>>& buckets,
                       double sum, double count);
};

// The Content-Type a 0.0.4 body is served with.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values escape backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view value);
// HELP text escapes backslash and line feed (quotes stay as they are).
std::string EscapeHelp(std::string_view help);
// Shortest text that reads back as the same double; integers without a fraction; NaN, +Inf, -Inf.
std::string FormatValue(double value);
// The label pairs as they appear between a sample's braces: `a="x",b="y"`, values escaped.
std::string RenderLabels(const Labels& labels);
// Appends `,name="value"` (or without the comma when `out` is empty), the value escaped.
void AppendLabel(std::string* out, std::string_view name, std::string_view value);

// Renders all families; `families` is taken by value because it is sorted in place.
std::string RenderText(std::vector<Family> families);

}  // namespace phpeek::metrics
