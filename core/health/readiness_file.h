// `global.readiness` as a file (lifecycle.md, "Readiness"): it exists exactly while the daemon is
// ready. Written atomically (a temporary file in the same directory, then rename), so a probe
// (`test -f`, `cat`) never sees it half written; removed when the daemon stops being ready and at
// the start of the shutdown. A file left by an earlier run is removed at start-up. Failures to
// write or remove are logged, never fatal. An EventListener on the supervisor loop thread.
#pragma once

#include <string>

#include "core/config/config.h"
#include "core/supervisor/control.h"

namespace phpeek::health {

class ReadinessFile : public EventListener {
 public:
  // Does nothing when readiness is not enabled. Removes a stale file at once.
  explicit ReadinessFile(const config::Readiness& settings);
  void OnEvent(const Event& event) override;

  // The file's text: the configured content, else "ready\ntimestamp=<unix seconds>\n".
  static std::string Content(const config::Readiness& settings, int64_t unix_seconds);

 private:
  void Write();
  void Remove();

  const config::Readiness& settings_;
  bool written_ = false;
};

}  // namespace phpeek::health
