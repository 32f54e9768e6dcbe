// Reading a plugin's `global:` keys as text through a lookup (the host's config_get_string, or a
// map in tests). The host hands declared keys over in their normal form (durations in ms, sizes in
// bytes); these readers still check each value, naming the key, for a host that does not.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "phpeek/plugin.hpp"

namespace phpeek::control {

// Looks up one `global:` key as text. Returns false when the key is absent; sets `err` (and
// returns false) when the lookup itself failed.
using GlobalLookup =
    std::function<bool(const std::string& key, std::string* value, std::string* err)>;

// The lookup over the host's configuration (config_get_string of "/<key>").
GlobalLookup HostLookup(phpeek::v1::Host host);

// Each reader leaves `out` alone when the key is absent and returns false, with `err` naming the
// key, when the value is bad or the lookup failed.
bool ReadIntSetting(const GlobalLookup& lookup, const std::string& key, int64_t lo, int64_t hi,
                    int64_t* out, std::string* err);
bool ReadBoolSetting(const GlobalLookup& lookup, const std::string& key, bool* out,
                     std::string* err);
bool ReadStringSetting(const GlobalLookup& lookup, const std::string& key, std::string* out,
                       bool* present, std::string* err);
// global.api_auth: absent stays nullopt; a present token must be usable (auth.h).
bool ReadTokenSetting(const GlobalLookup& lookup, std::optional<std::string>* token,
                      std::string* err);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace phpeek::control
