// `phpeek-pm init --preset P [--queue N] [--horizon] [--scheduler] [--octane] [--app-dir DIR]
// [-o FILE] [--force]`: writes the preset's configuration (init_preset.h). An existing file is
// kept unless --force; the file appears whole or not at all (written beside, then renamed).
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "core/cli/commands.h"
#include "core/cli/init_preset.h"

namespace phpeek::cli {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

// The parts the file runs, for the one line printed after it was written.
std::string Summary(const InitOptions& o, const std::string& text) {
  std::string parts;
  for (const char* name : {"php-fpm", "octane", "nginx", "queue", "horizon", "scheduler"}) {
    if (text.find("\n  " + std::string(name) + ":\n") == std::string::npos) continue;
    parts += (parts.empty() ? "" : ", ") + std::string(name);
  }
  return "preset " + o.preset + ": " + parts;
}

}  // namespace

int RunInit(const CommandLine& cl) {
  InitOptions o;
  o.preset = cl.preset;
  o.queue = cl.queue;
  o.horizon = cl.horizon;
  o.scheduler = cl.scheduler;
  o.octane = cl.octane;
  o.app_dir = cl.app_dir;
  if (const std::string err = CheckInitOptions(o); !err.empty()) {
    std::fprintf(stderr, "phpeek-pm: %s\nRun 'phpeek-pm init --help' for the options.\n",
                 err.c_str());
    return 2;
  }
  if (Exists(cl.output) && !cl.force) {
    std::fprintf(stderr, "phpeek-pm: %s exists; nothing was written (--force overwrites it)\n",
                 cl.output.c_str());
    return 1;
  }
  const std::string text = RenderInitConfig(o);
  const std::string partial = cl.output + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << text;
    out.close();
    if (!out || std::rename(partial.c_str(), cl.output.c_str()) != 0) {
      std::remove(partial.c_str());
      std::fprintf(stderr, "phpeek-pm: cannot write %s\n", cl.output.c_str());
      return 1;
    }
  }
  std::printf("wrote %s (%s); check it with: phpeek-pm check-config --strict -c %s\n",
              cl.output.c_str(), Summary(o, text).c_str(), cl.output.c_str());
  return 0;
}

}  // namespace phpeek::cli
