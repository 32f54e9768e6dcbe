// JSON extraction (`logging.json`): a line that is a JSON object gives the record its message
// (`message`, else `msg`), its level (`level`, else `severity`, `level_name`, `lvl`: a name such
// as "warning", or a Monolog (100..600) or pino/bunyan (10..60) number) and its other members as
// fields. Members taken as message or level are not repeated in the fields.
// detect_auto (default): only a line whose first non-blank byte is '{' is tried, and one that is
// not valid JSON passes as plain text. detect_auto: false: every line is expected to be JSON, and
// one that is not gets a `json_error` field saying why.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/config/logging_spec.h"
#include "core/process_logs/record.h"

namespace phpeek::process_logs {

struct JsonExtraction {
  std::optional<std::string> message;  // when extract_message found one
  std::optional<Level> level;          // when extract_level found a known one
  FieldList fields;                    // merge_fields: the other members; or json_error
};

class JsonExtractor {
 public:
  explicit JsonExtractor(const config::JsonSpec& spec) : spec_(spec) {}

  bool active() const { return spec_.enabled; }
  // Fills `out` (cleared first). Returns whether `text` was a JSON object.
  bool Extract(std::string_view text, JsonExtraction* out) const;

 private:
  config::JsonSpec spec_;
};

}  // namespace phpeek::process_logs
