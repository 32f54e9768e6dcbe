// One kind of health probe (tcp, http, exec) as the checker drives it: Start one attempt, learn its
// result through `done`, or Cancel it (the timeout, or the instance's run ended). Attempts never
// block the loop: sockets are non-blocking and watched by the loop, exec probes are children.
#pragma once

#include <functional>
#include <string>

namespace phpeek::health {

struct ProbeResult {
  bool passed = false;
  std::string detail;  // why it failed ("connection refused", "status 503"); empty on success
};

class Probe {
 public:
  using Done = std::function<void(ProbeResult)>;

  virtual ~Probe() = default;
  // Starts one attempt; `done` runs exactly once on the loop thread, possibly before Start
  // returns, unless Cancel comes first. Never called while an attempt is in flight.
  virtual void Start(Done done) = 0;
  // Abandons the attempt in flight, if any: its sockets are closed, its processes killed, and its
  // `done` is not called.
  virtual void Cancel() = 0;
};

}  // namespace phpeek::health
