#include "core/autotune/fpm_profiles.h"

namespace phpeek::autotune {
namespace {

// The original's figures (internal/autotune/profiles.go of PHPeek PM): per-worker memory with
// OPcache on, the application's compiled code counted once in opcache_mb.
constexpr FpmProfile kProfiles[] = {
    {"dev", "local development: 2 static workers, recycled often", ProcessManager::kStatic, 32, 64,
     64, 2, 2, 1.0, 0, 0, 100, 0.5},
    {"light", "small applications, 1-10 requests/s", ProcessManager::kDynamic, 36, 96, 128, 2, 0,
     0.25, 0.25, 0.5, 500, 0.7},
    {"medium", "standard production, 10-50 requests/s", ProcessManager::kDynamic, 42, 128, 192, 4,
     0, 0.33, 0.25, 0.5, 1000, 0.75},
    {"heavy", "high traffic, 50-200 requests/s, large applications", ProcessManager::kDynamic, 52,
     256, 384, 8, 0, 0.5, 0.2, 0.4, 2000, 0.8},
    {"bursty", "traffic spikes: more spare workers kept ready", ProcessManager::kDynamic, 44, 128,
     192, 4, 0, 0.5, 0.4, 0.7, 1000, 0.75},
};

}  // namespace

const char* ToString(ProcessManager pm) {
  return pm == ProcessManager::kStatic ? "static" : "dynamic";
}

std::span<const FpmProfile> FpmProfiles() { return kProfiles; }

const FpmProfile* FindFpmProfile(std::string_view name) {
  for (const FpmProfile& p : kProfiles) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::string FpmProfileNames() {
  std::string out;
  for (const FpmProfile& p : kProfiles) out += (out.empty() ? "" : ", ") + std::string(p.name);
  return out;
}

}  // namespace phpeek::autotune
