// A Diagnostic is one problem found in a configuration file: where it is, which key, what is wrong
// and how to fix it. The loader collects every problem instead of stopping at the first, so a user
// fixes a file in one round trip.
#pragma once

#include <string>
#include <vector>

namespace phpeek::config {

enum class Severity { kWarning, kError };

// A position in a source file; line and column are 1-based, 0 means "unknown".
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string file;
  SourcePos pos;
  std::string key_path;  // e.g. "processes.web.shutdown.signal"; empty for file-level problems
  std::string message;
  std::string hint;  // may be empty
  // A key nobody reads: a warning when the daemon starts, an error at a reload (a typo must not be
  // put in force on a running daemon; see PromoteUnknownKeys).
  bool unknown_key = false;
};

using Diagnostics = std::vector<Diagnostic>;

bool HasErrors(const Diagnostics& diagnostics);
// In file order (line, then column); diagnostics without a position first, stable otherwise.
void SortByPosition(Diagnostics* diagnostics);
size_t CountSeverity(const Diagnostics& diagnostics, Severity severity);

// "file:line:column: error: key: message (hint: ...)" on one line. A part that holds a control
// character or invalid UTF-8 (echoed from the file) is written as a JSON string literal.
std::string FormatText(const Diagnostic& d);
// A JSON object with file, line, column, severity, key, message, hint.
std::string FormatJson(const Diagnostic& d);

}  // namespace phpeek::config
