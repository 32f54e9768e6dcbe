#include "core/plugin_host/plugin_loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <exception>

namespace phpeek::plugin_host {
namespace {

constexpr size_t kMaxName = 64;
constexpr size_t kMaxText = 1024;
constexpr size_t kMaxKeys = 256;
constexpr size_t kMaxAllowed = 64;
constexpr uint32_t kMaxEntrySize = 4096;  // a phpeek_config_key of any sane later minor

std::string Version(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::string HostSpeaks(uint32_t host_minor) {
  return "this host speaks ABI " + Version(PHPEEK_ABI_MAJOR, host_minor);
}

// A bounded copy of a plugin-provided C string; false when it is not terminated within `max`.
bool CopyText(const char* s, size_t max, std::string* out) {
  if (s == nullptr) return false;
  const size_t n = strnlen(s, max + 1);
  if (n > max) return false;
  out->assign(s, n);
  return true;
}

// A 1.0 global_keys list: names only, checked and passed as written.
bool CopyUntypedKeys(const char* const* keys, std::vector<config::KeySchema>* out,
                     std::string* reason) {
  for (size_t i = 0; keys != nullptr && keys[i] != nullptr; ++i) {
    std::string key;
    if (i >= kMaxKeys || !CopyText(keys[i], kMaxName, &key) || key.empty()) {
      *reason = "global_keys entry " + std::to_string(i) + " is empty, too long or unterminated";
      return false;
    }
    const bool typed = std::any_of(out->begin(), out->end(),
                                   [&](const config::KeySchema& k) { return k.name == key; });
    if (typed) continue;
    config::KeySchema untyped;
    untyped.name = key;
    out->push_back(std::move(untyped));
  }
  return true;
}

static_assert(static_cast<int>(config::KeyType::kString) == PHPEEK_KEY_STRING &&
                  static_cast<int>(config::KeyType::kDuration) == PHPEEK_KEY_DURATION &&
                  static_cast<int>(config::KeyType::kObject) == PHPEEK_KEY_OBJECT,
              "KeyType follows the order of the PHPEEK_KEY_* types");

// A type this host does not know (a newer SDK) is passed as written; 0 is a mistake.
bool ToKeyType(int32_t type, config::KeyType* out) {
  if (type <= 0) return false;
  *out = type > PHPEEK_KEY_OBJECT ? config::KeyType::kUntyped
                                  : static_cast<config::KeyType>(type);  // same order as the ABI
  return true;
}

bool CopyAllowed(const char* const* allowed, std::vector<std::string>* out) {
  for (size_t i = 0; allowed != nullptr && allowed[i] != nullptr; ++i) {
    std::string value;
    if (i >= kMaxAllowed || !CopyText(allowed[i], kMaxName, &value)) return false;
    out->push_back(value);
  }
  return true;
}

// Entry i of the plugin's array, read by the size the plugin was compiled with.
bool CopyKey(const phpeek_plugin_api_v1& api, uint32_t i, config::KeySchema* out,
             std::string* reason) {
  phpeek_config_key k{};
  const auto* base = reinterpret_cast<const char*>(api.config_keys);
  std::memcpy(&k, base + size_t{i} * api.config_key_size,
              std::min<size_t>(api.config_key_size, sizeof k));
  const std::string at = "config key " + std::to_string(i);
  if (!CopyText(k.name, kMaxName, &out->name)) {
    *reason = at + ": name is missing, longer than 64 characters or unterminated";
    return false;
  }
  const std::string which = at + " '" + out->name + "': ";
  if (!ToKeyType(k.type, &out->type)) {
    *reason = which + "type " + std::to_string(k.type) + " is not a PHPEEK_KEY_* type";
    return false;
  }
  if (!CopyText(k.help, kMaxText, &out->help) ||
      (k.default_value != nullptr &&
       !CopyText(k.default_value, kMaxText, &out->default_text.emplace())) ||
      !CopyAllowed(k.allowed, &out->allowed)) {
    *reason = which + "help, default or allowed values are missing, too long or unterminated";
    return false;
  }
  if (k.flags & PHPEEK_KEY_FLAG_HAS_MIN) out->min = k.min;
  if (k.flags & PHPEEK_KEY_FLAG_HAS_MAX) out->max = k.max;
  out->empty_is_unset = (k.flags & PHPEEK_KEY_FLAG_EMPTY_IS_UNSET) != 0;
  if (const std::string problem = config::CheckKeySchema(*out); !problem.empty()) {
    *reason = which + problem;
    return false;
  }
  return true;
}

// The 1.1 key schema: config_key_count entries of config_key_size bytes.
bool CopyTypedKeys(const phpeek_plugin_api_v1& api, std::vector<config::KeySchema>* out,
                   std::string* reason) {
  if (api.config_keys == nullptr || api.config_key_count == 0) return true;
  if (api.config_key_count > kMaxKeys) {
    *reason = "config_key_count " + std::to_string(api.config_key_count) + " is above " +
              std::to_string(kMaxKeys);
    return false;
  }
  if (api.config_key_size < PHPEEK_CONFIG_KEY_V1_1_SIZE || api.config_key_size > kMaxEntrySize) {
    *reason = "config_key_size " + std::to_string(api.config_key_size) +
              " is not the size of a phpeek_config_key (at least " +
              std::to_string(PHPEEK_CONFIG_KEY_V1_1_SIZE) + ")";
    return false;
  }
  for (uint32_t i = 0; i < api.config_key_count; ++i) {
    config::KeySchema key;
    if (!CopyKey(api, i, &key, reason)) return false;
    const bool dup = std::any_of(out->begin(), out->end(),
                                 [&](const config::KeySchema& k) { return k.name == key.name; });
    if (dup) {
      *reason = "config key '" + key.name + "' is declared twice";
      return false;
    }
    out->push_back(std::move(key));
  }
  return true;
}

bool CheckRequiredHooks(const phpeek_plugin_api_v1& api, std::string* reason) {
  const char* missing = api.init == nullptr      ? "init"
                        : api.start == nullptr   ? "start"
                        : api.stop == nullptr    ? "stop"
                        : api.destroy == nullptr ? "destroy"
                                                 : nullptr;
  if (missing == nullptr) return true;
  *reason = std::string("required hook '") + missing + "' is NULL";
  return false;
}

// Finds which ABI major a library was built for when it has no v1 entry, for the message.
std::string OtherMajorHint(void* handle) {
  for (int major = 2; major <= 9; ++major) {
    const std::string sym = "phpeek_plugin_entry_v" + std::to_string(major);
    if (dlsym(handle, sym.c_str()) != nullptr) {
      return " (it exports " + sym + ": built for ABI major " + std::to_string(major) + ", " +
             HostSpeaks(PHPEEK_ABI_MINOR) + ")";
    }
  }
  return "";
}

std::string NotFound(const PluginRequest& req) {
  if (req.searched.size() <= 1) {
    return "not found at " + (req.searched.empty() ? req.path : req.searched.front());
  }
  std::string where;
  for (const auto& p : req.searched) where += (where.empty() ? "" : ", ") + p;
  return "not found in the plugin folders (searched " + where + ")";
}

}  // namespace

bool IsValidPluginName(const std::string& name) {
  if (name.empty() || name.size() > kMaxName) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(name[0])) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return lower_or_digit(c) || c == '_' || c == '.' || c == '-'; });
}

bool Negotiate(const phpeek_plugin_api_v1* d, const std::string& expected_name, uint32_t host_minor,
               LoadedPlugin* out, std::string* reason) {
  if (d == nullptr) {
    *reason =
        "the plugin declined to load (its entry returned NULL; " + HostSpeaks(host_minor) + ")";
    return false;
  }
  if (d->abi_major != PHPEEK_ABI_MAJOR) {
    *reason =
        "built for ABI " + Version(d->abi_major, d->abi_minor) + ", " + HostSpeaks(host_minor);
    return false;
  }
  if (d->struct_size < PHPEEK_PLUGIN_API_V1_0_SIZE) {
    *reason = "descriptor is " + std::to_string(d->struct_size) +
              " bytes, ABI 1.0 needs at least " + std::to_string(PHPEEK_PLUGIN_API_V1_0_SIZE);
    return false;
  }
  if (d->abi_minor > host_minor && d->min_host_minor > host_minor) {
    *reason = "built for ABI " + Version(d->abi_major, d->abi_minor) +
              " (needs a host with ABI >= " + Version(d->abi_major, d->min_host_minor) + "), " +
              HostSpeaks(host_minor) +
              "; upgrade phpeek-pm or rebuild the plugin against an older SDK";
    return false;
  }
  // Copy only what both sides know; members this host has but the plugin lacks stay zero.
  phpeek_plugin_api_v1 api{};
  std::memcpy(&api, d, std::min<size_t>(d->struct_size, sizeof api));
  std::string name;
  if (!CopyText(api.name, kMaxName, &name) || name.empty()) {
    *reason = "descriptor name is missing, empty or longer than 64 characters";
    return false;
  }
  if (name != expected_name) {
    *reason =
        "descriptor says its name is '" + name + "', but it was loaded as '" + expected_name + "'";
    return false;
  }
  if (!CopyText(api.version, kMaxText, &out->version) || out->version.empty()) {
    *reason = "descriptor version is missing or empty";
    return false;
  }
  if (api.description != nullptr && !CopyText(api.description, kMaxText, &out->description)) {
    *reason = "descriptor description is longer than 1024 characters";
    return false;
  }
  if (!CheckRequiredHooks(api, reason)) return false;
  out->keys.clear();
  if (!CopyTypedKeys(api, &out->keys, reason) ||
      !CopyUntypedKeys(api.global_keys, &out->keys, reason)) {
    return false;
  }
  out->name = name;
  out->api = api;
  out->built_major = d->abi_major;
  out->built_minor = d->abi_minor;
  out->negotiated_minor = std::min(d->abi_minor, host_minor);
  return true;
}

LoadOutcome LoadPlugin(const PluginRequest& req, LoadedPlugin* out, std::string* err) {
  const std::string who = "plugin '" + req.name + "' (" + req.path + "): ";
  if (!IsValidPluginName(req.name)) {
    *err = "plugin '" + req.name + "': invalid name (use [a-z0-9][a-z0-9_.-]*, at most 64)";
    return LoadOutcome::kFailed;
  }
  struct stat st {};
  if (req.path.empty() || stat(req.path.c_str(), &st) != 0) {
    *err = "plugin '" + req.name + "': " + NotFound(req);
    return LoadOutcome::kAbsent;
  }
  void* handle = dlopen(req.path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* e = dlerror();
    *err = who + "cannot be loaded: " + (e != nullptr ? e : "unknown dlopen error");
    return LoadOutcome::kFailed;
  }
  auto entry =
      reinterpret_cast<phpeek_plugin_entry_v1_fn>(dlsym(handle, PHPEEK_PLUGIN_ENTRY_V1_NAME));
  if (entry == nullptr) {
    *err = who + "not a phpeek-pm plugin, or built for another ABI major: no " +
           PHPEEK_PLUGIN_ENTRY_V1_NAME + " symbol" + OtherMajorHint(handle);
    return LoadOutcome::kFailed;
  }
  const phpeek_plugin_api_v1* descriptor = nullptr;
  try {
    descriptor = entry(PHPEEK_ABI_MAJOR, PHPEEK_ABI_MINOR);
  } catch (...) {
    *err = who + "its entry function threw a C++ exception across the ABI boundary";
    return LoadOutcome::kFailed;
  }
  std::string reason;
  if (!Negotiate(descriptor, req.name, PHPEEK_ABI_MINOR, out, &reason)) {
    *err = who + reason;
    return LoadOutcome::kFailed;
  }
  out->path = req.path;
  return LoadOutcome::kLoaded;
}

}  // namespace phpeek::plugin_host
