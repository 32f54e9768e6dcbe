#include "core/config/diagnostic.h"

#include <algorithm>

#include "core/json/json_writer.h"

namespace phpeek::config {

bool HasErrors(const Diagnostics& diagnostics) {
  return CountSeverity(diagnostics, Severity::kError) > 0;
}

void SortByPosition(Diagnostics* diagnostics) {
  std::stable_sort(diagnostics->begin(), diagnostics->end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
                     return a.pos.column < b.pos.column;
                   });
}

size_t CountSeverity(const Diagnostics& diagnostics, Severity severity) {
  return static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [&](const Diagnostic& d) { return d.severity == severity; }));
}

std::string FormatText(const Diagnostic& d) {
  std::string out = d.file;
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line);
    if (d.pos.column > 0) out += ":" + std::to_string(d.pos.column);
  }
  out += d.severity == Severity::kError ? ": error: " : ": warning: ";
  if (!d.key_path.empty()) out += d.key_path + ": ";
  out += d.message;
  if (!d.hint.empty()) out += " (hint: " + d.hint + ")";
  return out;
}

std::string FormatJson(const Diagnostic& d) {
  json::Writer w;
  w.BeginObject();
  w.Key("severity").String(d.severity == Severity::kError ? "error" : "warning");
  w.Key("file").String(d.file);
  w.Key("line").Int(d.pos.line);
  w.Key("column").Int(d.pos.column);
  w.Key("key").String(d.key_path);
  w.Key("message").String(d.message);
  w.Key("hint").String(d.hint);
  w.EndObject();
  return w.Take();
}

}  // namespace phpeek::config
