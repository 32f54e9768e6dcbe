// `processes.<name>.logging` (the original PHPeek PM's per-process log pipeline) as typed values.
// ProcessSpec::logging points to one (null when the process has no `logging:` block); the global
// history sizes are GlobalSpec::log_buffer_*. The loader reads and checks them
// (logging_section.cc); the pipeline that acts on them is core/process_logs/. Regular expressions
// are RE2, compiled once here at load (a pattern RE2 refuses is a config error at the pattern's
// position) and shared, read-only, by every instance of the process: RE2 matching is thread-safe on
// a const object.
//
// Keys (all optional):
//   stdout, stderr             bool: the same as the process-level keys (forward that stream)
//   labels                     map string -> string, added to every line's fields
//   min_level                  debug | info | warn | error: lines below it are dropped
//   redaction: {enabled, patterns: [{name, pattern, replacement}]}
//                              each match is replaced (default "***"); `$1`, `${1}`, `${name}`
//                              insert a group (in YAML `${1}` must be written `$${1}`, since
//                              `${...}` is environment substitution), `$$` a literal `$`
//   multiline: {enabled, pattern, max_lines (100), timeout (1s)}
//                              a line matching `pattern` starts an entry; the lines after it
//                              that do not match join it. An entry is complete at the next
//                              start line, at max_lines lines (or 64 KiB), or `timeout` after
//                              its first line, whichever comes first.
//   json: {enabled, detect_auto (true), extract_level (true), extract_message (true),
//          merge_fields (true)}
//   level_detection: {enabled (true), patterns: {error: RE | [RE...], warn: ..., info: ...,
//                     debug: ...}, default_level (info)}
//   filters: {include: [RE...], exclude: [RE...]}
// A sub-block that is present is on unless it says `enabled: false` (the original needed
// `enabled: true` and silently did nothing without it). Level detection is on without any block.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"
#include "core/config/diagnostic.h"

namespace re2 {
class RE2;
}

namespace phpeek::config {

// A regular expression from the file: its text, where it was written and the compiled form.
struct LogPattern {
  std::string text;
  SourcePos pos;
  std::shared_ptr<const re2::RE2> re;
};

struct RedactionRule {
  std::string name;
  LogPattern pattern;
  std::string replacement = "***";  // as written
  std::string rewrite;              // the same in RE2's rewrite syntax (\1, \\)
};

struct MultilineSpec {
  bool enabled = false;
  LogPattern start;  // a line matching it begins a new entry
  int max_lines = 100;
  std::chrono::milliseconds timeout{1000};
};

struct JsonSpec {
  bool enabled = false;
  bool detect_auto = true;  // false: every line should be JSON; one that is not gets json_error
  bool extract_level = true;
  bool extract_message = true;
  bool merge_fields = true;
};

struct LevelPatterns {
  LogLevel level;
  std::vector<LogPattern> patterns;
};

struct LevelDetectionSpec {
  bool enabled = true;
  std::vector<LevelPatterns> patterns;  // most severe first: error, warn, info, debug
  LogLevel default_level = LogLevel::kInfo;
};

struct LoggingSpec {
  std::vector<std::pair<std::string, std::string>> labels;  // in file order
  std::optional<LogLevel> min_level;
  bool redaction_enabled = false;
  std::vector<RedactionRule> redaction;
  MultilineSpec multiline;
  JsonSpec json;
  LevelDetectionSpec level_detection;
  std::vector<LogPattern> include;  // when not empty, a line must match one of them
  std::vector<LogPattern> exclude;  // a line matching one of them is dropped
  // Where `logging.stdout` / `logging.stderr` were written (line 0: absent), to report a
  // contradiction with the process-level key.
  SourcePos stdout_pos, stderr_pos;
  bool stdout_value = true, stderr_value = true;
};

}  // namespace phpeek::config
