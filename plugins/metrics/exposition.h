// Prometheus text exposition format 0.0.4: a metric family model and its renderer.
//
// Pure code, no I/O: callers build Family values and RenderText() turns them into the body of a
// /metrics response. Every family gets its HELP and TYPE lines (also when it has no samples, so
// dashboards see the family exist), label values and HELP text are escaped as the format requires,
// and the output order is stable: families sorted by name, samples in the order they were added
// (the builder adds them in configuration order, so successive scrapes list series identically).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phpeek::metrics {

enum class MetricType { kGauge, kCounter, kHistogram };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  Labels labels;  // label name -> value, rendered in this order
  double value = 0;
  std::string suffix;  // after the family name: a histogram's "_bucket", "_sum" and "_count"
};

struct Family {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;
  MetricType type = MetricType::kGauge;
  std::vector<Sample> samples;

  Family& Add(Labels labels, double value, std::string suffix = "") {
    samples.push_back(Sample{std::move(labels), value, std::move(suffix)});
    return *this;
  }
};

// The Content-Type a 0.0.4 body is served with.
inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values escape backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view value);
// HELP text escapes backslash and line feed (quotes stay as they are).
std::string EscapeHelp(std::string_view help);
// Shortest text that reads back as the same double; integers without a fraction; NaN, +Inf, -Inf.
std::string FormatValue(double value);

// Renders all families; `families` is taken by value because it is sorted in place.
std::string RenderText(std::vector<Family> families);

}  // namespace phpeek::metrics
