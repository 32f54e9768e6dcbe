// The configuration loader: YAML text in, diagnostics (and maybe a Config) out, through
// LoadConfigText, which LoadConfigFile (check-config and the daemon) calls once the file is read.
//
// Leading lines "#env NAME=VALUE" set the environment the load sees, so that the fuzzer can reach
// `${VAR}` substitution and PHPEEK_PM_GLOBAL_* overrides; they are YAML comments, so the text the
// loader parses is the input unchanged.
//
// Properties: the load returns (libFuzzer's -timeout and -rss_limit_mb catch hangs and runaway
// memory); a load fails only with an error that says why; every diagnostic has a message, a
// position inside the text, a text form that is one line without control characters (whatever
// bytes the file echoes into it) and a JSON form that parses; an accepted configuration's
// global_json parses.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config/loader.h"
#include "core/json/json_pointer.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using phpeek::config::Diagnostic;
using phpeek::config::Environment;

constexpr std::string_view kEnvPrefix = "#env ";

Environment InputEnvironment(std::string_view text) {
  Environment env = {
      {"HOME", "/home/app"}, {"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"APP_ENV", "production"}};
  while (text.substr(0, kEnvPrefix.size()) == kEnvPrefix) {
    const size_t eol = text.find('\n');
    const std::string_view line = text.substr(kEnvPrefix.size(), eol - kEnvPrefix.size());
    const size_t eq = line.find('=');
    if (eq != std::string_view::npos) env[std::string(line.substr(0, eq))] = line.substr(eq + 1);
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return env;
}

// One line of text a terminal shows as it is: no line breaks, escape sequences or other control
// characters (a tab is fine).
bool IsOneLine(std::string_view text) {
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

int CountLines(std::string_view text) {
  int lines = 1;
  for (const char c : text) lines += c == '\n';
  return lines;
}

void CheckDiagnostic(const Diagnostic& d, int lines) {
  const std::string text = phpeek::config::FormatText(d);
  FUZZ_CHECK(!d.message.empty(), text);
  FUZZ_CHECK(d.pos.line >= 0 && d.pos.line <= lines, text);
  FUZZ_CHECK(d.pos.column >= 0, text);
  FUZZ_CHECK(IsOneLine(text), text);
  phpeek::json::Document json;
  std::string err;
  const std::string formatted = phpeek::config::FormatJson(d);
  FUZZ_CHECK(json.Parse(formatted, &err), err + " in " + formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const phpeek::config::LoadResult result =
      phpeek::config::LoadConfigText(text, "fuzz.yaml", InputEnvironment(text));

  FUZZ_CHECK(result.config.has_value() != phpeek::config::HasErrors(result.diagnostics),
             result.config ? "accepted with an error" : "refused without an error");
  const int lines = CountLines(text);
  for (const Diagnostic& d : result.diagnostics) CheckDiagnostic(d, lines);
  if (result.config) {
    // As the plugin host reads it for config_get_json.
    phpeek::json::Document global;
    std::string err;
    FUZZ_CHECK(
        global.Parse(result.config->global_json, &err, phpeek::json::kPointerDocumentOptions),
        err + " in " + result.config->global_json);
    FUZZ_CHECK(global.root().is_object(), result.config->global_json);
  }
  return 0;
}
