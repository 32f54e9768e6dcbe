#include "core/config/diagnostic.h"

#include <algorithm>
#include <string_view>

#include "core/json/json_writer.h"
#include "core/text/utf8.h"

namespace phpeek::config {
namespace {

// Printable UTF-8: no C0 control, DEL, C1 control (U+0080-U+009F) or invalid sequence.
bool IsPrintable(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = text::Utf8SequenceLength(s, i);
    if (len == 0 || c < 0x20 || c == 0x7f) return false;
    if (c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
    i += len;
  }
  return true;
}

// A part of a diagnostic that echoes the file's (or the environment's) bytes: as is when
// printable, else as a JSON string literal, as the daemon's text log does, so that a CR, an
// escaped "\n" or a terminal escape in a key or value can neither break the line nor reach the
// terminal raw.
std::string Visible(std::string_view s) { return IsPrintable(s) ? std::string(s) : json::Quote(s); }

}  // namespace

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
  std::string out = Visible(d.file);
  if (d.pos.line > 0) {
    out += ":" + std::to_string(d.pos.line);
    if (d.pos.column > 0) out += ":" + std::to_string(d.pos.column);
  }
  out += d.severity == Severity::kError ? ": error: " : ": warning: ";
  if (!d.key_path.empty()) out += Visible(d.key_path) + ": ";
  out += Visible(d.message);
  if (!d.hint.empty()) out += " (hint: " + Visible(d.hint) + ")";
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
