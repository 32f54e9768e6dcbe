// How one log line is rendered (without the time and level prefix of the text format, which the
// logger adds). Both forms are built so that no byte of a message or value (a child's output, a
// plugin's message) can forge a line or a field:
//  - JSON: one object, every string JSON-escaped (control characters and C1 controls as \uXXXX,
//    invalid UTF-8 as U+FFFD).
//  - Text: `MESSAGE key=value key=value`. MESSAGE is written as is unless it is empty, begins with
//    `"` or a space, ends with a space, or contains `=`, a control character (C0, DEL, C1) or
//    invalid UTF-8: then it is a JSON string literal. So an unquoted message has no `=`, and the
//    first word with `=` begins the fields. A value is bare when it is non-empty printable UTF-8
//    without space, `"`, `=` or `\`, else a JSON string literal. Keys are [A-Za-z0-9_.-] (other
//    bytes become `_`).
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "core/log/log.h"

namespace phpeek::log {

// `time` is written as it is (the logger's own UTC text, which needs no escaping).
std::string RenderJson(std::string_view time, Level level, std::string_view msg,
                       std::span<const Field> fields);
// The same appended to *out (no newline), with `fixed` (RenderedFields::json) before `fields`.
void AppendJson(std::string* out, std::string_view time, Level level, std::string_view msg,
                std::string_view fixed, std::span<const Field> fields);
std::string RenderText(std::string_view msg, std::span<const Field> fields);
// The same with `fixed` (RenderedFields::text) before `fields`.
std::string RenderText(std::string_view msg, std::string_view fixed, std::span<const Field> fields);
// The same appended to *out.
void AppendText(std::string* out, std::string_view msg, std::string_view fixed,
                std::span<const Field> fields);
inline std::string RenderJson(std::string_view time, Level level, std::string_view msg,
                              std::initializer_list<Field> fields) {
  return RenderJson(time, level, msg, std::span<const Field>(fields.begin(), fields.size()));
}
inline std::string RenderText(std::string_view msg, std::initializer_list<Field> fields) {
  return RenderText(msg, std::span<const Field>(fields.begin(), fields.size()));
}

}  // namespace phpeek::log
