// Autotune from start to end: which profile and threshold apply (command line, then environment,
// then configuration file), the limits found, the pool computed. serve exports the result to
// every process; fpm-tune prints it (tuning_report.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/autotune/fpm_profiles.h"
#include "core/autotune/fpm_tuning.h"
#include "core/autotune/resource_limits.h"

namespace phpeek::autotune {

constexpr const char* kProfileVariable = "PHP_FPM_AUTOTUNE_PROFILE";
constexpr const char* kThresholdVariable = "PHP_FPM_AUTOTUNE_MEMORY_THRESHOLD";
constexpr const char* kThresholdKey = "global.autotune_memory_threshold";

// What the command line says; the flags' values are checked when it is parsed.
struct AutotuneFlags {
  std::string profile;              // empty: not given
  const char* profile_flag = "";    // its name, for the report ("--php-fpm-profile")
  std::optional<double> threshold;  // --autotune-memory-threshold
};

struct AutotuneChoice {
  const FpmProfile* profile = nullptr;  // nullptr: autotune is off
  std::string profile_from;             // the flag or the variable that named it
  double threshold = 0;                 // 0: the profile's memory_share
  std::string threshold_from;           // flag, variable or key; "profile" when none set it
};

// The first place that sets each wins: flag, then environment variable, then (threshold only)
// the configuration file's key (`file_threshold`, 0 when unset). Returns false with a message
// naming the variable when one holds an unknown profile or a bad threshold.
bool ChooseAutotune(const AutotuneFlags& flags, const std::map<std::string, std::string>& env,
                    double file_threshold, AutotuneChoice* out, std::string* error);

struct AutotuneReport {
  AutotuneChoice choice;
  std::optional<ResourceLimits> limits;  // unset when they could not be read
  std::optional<FpmTuning> tuning;       // unset on an error
  std::vector<std::string> warnings;     // the limits' (host values used), then the tuning's
  std::string error;                     // set when tuning is not
};

// Reads the limits under `roots` and computes the pool for `choice` (whose profile is set).
AutotuneReport RunAutotune(const AutotuneChoice& choice, const ResourceRoots& roots);

}  // namespace phpeek::autotune
