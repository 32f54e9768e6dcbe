// The global history sizes: `log_buffer_lines` (per instance, 0 keeps none),
// `log_buffer_bytes` (per instance) and `log_buffer_total_bytes` (all instances together). Sizes
// are byte counts or numbers with a binary unit (byte_size.h). The supervisor's process-log
// history (core/process_logs/history.h) is bounded by them; a reload applies new values at once.
#include "core/config/byte_size.h"
#include "core/config/logging_section.h"
#include "core/json/json_writer.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

constexpr int64_t kMiB = 1024 * 1024;

KeyHandler Size(Reader& r, const char* key, int64_t max, const char* example, int64_t* out) {
  return {key, [&r, max, example, out](const Node& v, P p) {
            std::string text, err;
            if (!r.Text(v, p, &text)) return;
            int64_t bytes = 0;
            if (!ParseByteSize(text, &bytes, &err) || bytes > max) {
              if (err.empty()) err = "at most " + std::to_string(max / kMiB) + "MiB";
              r.Error(v.pos, p, "invalid size '" + text + "': " + err,
                      std::string("a number of bytes or a size with unit, e.g. ") + example);
              return;
            }
            *out = bytes;
          }};
}

}  // namespace

std::vector<KeyHandler> LogBufferHandlers(Reader& r, GlobalSpec* g) {
  return {
      {"log_buffer_lines",
       [&r, g](const Node& v, P p) {
         r.Int(v, p, int64_t{0}, int64_t{1000000}, &g->log_buffer_lines);
       }},
      Size(r, "log_buffer_bytes", 1024 * kMiB, "256KiB", &g->log_buffer_bytes),
      Size(r, "log_buffer_total_bytes", 16 * 1024 * kMiB, "64MiB", &g->log_buffer_total_bytes),
  };
}

void WriteLogBufferJson(const GlobalSpec& g, json::Writer* w) {
  w->Key("log_buffer_lines").Int(g.log_buffer_lines);
  w->Key("log_buffer_bytes").Int(g.log_buffer_bytes);
  w->Key("log_buffer_total_bytes").Int(g.log_buffer_total_bytes);
}

}  // namespace phpeek::config
