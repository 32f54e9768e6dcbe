// `phpeek-pm init`: a commented phpeek-pm.yaml for a PHP application, from a preset and a few
// choices. The text is built here, as a pure function of the options, so that every combination
// can be checked by loading it (tests run check-config --strict on each).
#pragma once

#include <string>

namespace phpeek::cli {

struct InitOptions {
  std::string preset;                     // laravel symfony wordpress generic
  int queue = -1;                         // queue workers; -1: the preset's default
  bool horizon = false;                   // Laravel: Horizon runs the workers instead
  bool scheduler = false;                 // the framework's scheduler as a scheduled job
  bool octane = false;                    // Laravel: Octane serves instead of php-fpm
  std::string app_dir = "/var/www/html";  // the application's root
};

// "" when the options fit together, else why not (a usage error).
std::string CheckInitOptions(const InitOptions& options);
// The file's text.
std::string RenderInitConfig(const InitOptions& options);

}  // namespace phpeek::cli
