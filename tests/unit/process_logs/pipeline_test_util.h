// Shared by the pipeline tests: a `logging:` block loaded from a real YAML file, and a sink that
// keeps what the pipeline emits.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/config/loader.h"
#include "core/config/logging_spec.h"
#include "core/process_logs/pipeline.h"
#include "tests/support/test_support.h"

namespace phpeek::process_logs {

// `body` is the block's content, indented by 6 spaces.
inline std::shared_ptr<const config::LoggingSpec> LoadLogging(const std::string& body) {
  testing::TempDir dir;
  const std::string path = dir.Write(
      "phpeek-pm.yaml", "processes:\n  web:\n    command: /bin/true\n    logging:\n" + body);
  const config::LoadResult r = config::LoadConfigFile(path, {}, config::LoadOptions{false});
  std::string problems;
  for (const auto& d : r.diagnostics) problems += config::FormatText(d) + "\n";
  EXPECT_TRUE(r.config) << problems;
  if (!r.config) return nullptr;
  return r.config->processes[0].logging;
}

struct Emitted {
  WallTime time;
  Stream stream;
  Level level;
  std::string message;
  const char* message_data;  // where the message was: a view of the input line, or a copy
  FieldList fields;          // own, then labels
};

class Collector {
 public:
  StreamPipeline::Sink sink() {
    return [this](const Entry& e) {
      Emitted out{e.time, e.stream, e.level, std::string(e.message), e.message.data(), {}};
      if (e.fields) out.fields = *e.fields;
      if (e.labels) out.fields.insert(out.fields.end(), e.labels->begin(), e.labels->end());
      entries.push_back(std::move(out));
    };
  }
  std::vector<Emitted> entries;
};

inline std::string FieldsText(const FieldList& fields) {
  std::string out;
  for (const auto& f : fields) {
    out += (out.empty() ? "" : " ") + f.key + "=" + (f.json ? "json:" : "") + f.value;
  }
  return out;
}

}  // namespace phpeek::process_logs
