#include "core/plugin_host/config_check.h"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "core/json/json_pointer.h"
#include "core/plugin_host/abi_codes.h"
#include "core/plugin_host/config_lookup.h"

namespace phpeek::plugin_host {
namespace {

constexpr size_t kMaxReports = 64;
constexpr size_t kMaxText = 1024;

using ValidateHook = int32_t (*)(const phpeek_config_view*, phpeek_diagnostic_sink*);

// What the hook reported, and whether it reported an error (a failing return without one is
// turned into one).
struct Collected {
  std::string plugin;
  std::vector<config::KeyReport> reports;
  size_t left_out = 0;
};

std::string Bounded(const char* s) {
  if (s == nullptr) return "";
  return std::string(s, strnlen(s, kMaxText));
}

void Report(void* ctx, const phpeek_diagnostic* d) {
  auto* c = static_cast<Collected*>(ctx);
  try {
    if (d == nullptr || !PHPEEK_HAS_MEMBER(phpeek_diagnostic, d, message)) return;
    if (c->reports.size() >= kMaxReports) {
      ++c->left_out;
      return;
    }
    config::KeyReport r;
    r.severity = d->severity == PHPEEK_SEVERITY_WARNING ? config::Severity::kWarning
                                                        : config::Severity::kError;
    r.key = Bounded(d->key);
    if (!config::IsValidKeyName(r.key)) r.key.clear();  // "" or nonsense: the block
    r.message = Bounded(d->message);
    if (r.message.empty())
      r.message = "plugin '" + c->plugin + "' reported a problem without a message";
    if (PHPEEK_HAS_MEMBER(phpeek_diagnostic, d, hint)) r.hint = Bounded(d->hint);
    c->reports.push_back(std::move(r));
  } catch (...) {  // out of memory: never unwind into the plugin
  }
}

int32_t GetJson(void* ctx, const char* pointer, phpeek_sink* out, phpeek_sink* err) {
  try {
    return ConfigGetJson(*static_cast<const std::string*>(ctx), pointer, out, err);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

int32_t GetString(void* ctx, const char* pointer, phpeek_sink* out, phpeek_sink* err) {
  try {
    return ConfigGetString(*static_cast<const std::string*>(ctx), pointer, out, err);
  } catch (...) {
    return PHPEEK_E_INTERNAL;
  }
}

std::vector<config::KeyReport> Run(const std::string& plugin, ValidateHook hook,
                                   const std::string& config_json) {
  const json::Lookup found = json::FindPointer(config_json, "/global");
  const std::string global(found.status == json::LookupStatus::kFound ? found.value : "{}");
  phpeek_config_view view{};
  view.struct_size = sizeof view;
  view.ctx = const_cast<std::string*>(&global);
  view.json = config_json.data();
  view.json_len = config_json.size();
  view.get_json = &GetJson;
  view.get_string = &GetString;
  Collected c{plugin, {}, 0};
  phpeek_diagnostic_sink sink{&c, &Report};
  int32_t code = PHPEEK_E_INTERNAL;
  std::string thrown;
  try {
    code = hook(&view, &sink);
  } catch (const std::exception& e) {
    thrown = std::string(": ") + e.what();
  } catch (...) {
    thrown = " ";
  }
  const bool reported_error = std::any_of(c.reports.begin(), c.reports.end(), [](const auto& r) {
    return r.severity == config::Severity::kError;
  });
  if (!thrown.empty()) {
    c.reports.push_back({config::Severity::kError, "", -1,
                         "plugin '" + plugin +
                             "': validate_config threw a C++ exception across the ABI boundary" +
                             (thrown == " " ? "" : thrown),
                         ""});
  } else if (code != PHPEEK_OK && !reported_error) {
    c.reports.push_back(
        {config::Severity::kError, "", -1,
         "plugin '" + plugin + "' could not check the configuration (" + StatusName(code) + ")",
         ""});
  }
  if (c.left_out > 0) {
    c.reports.push_back({config::Severity::kWarning, "", -1,
                         "plugin '" + plugin + "' reported " + std::to_string(c.left_out) +
                             " more problems, left out",
                         ""});
  }
  return c.reports;
}

}  // namespace

config::ValidateFn ConfigCheck(const LoadedPlugin& plugin) {
  const ValidateHook hook = plugin.api.validate_config;
  if (hook == nullptr) return nullptr;
  return [name = plugin.name, hook](const std::string& config_json) {
    return Run(name, hook, config_json);
  };
}

}  // namespace phpeek::plugin_host
