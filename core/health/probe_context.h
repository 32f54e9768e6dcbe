// What all health probes of the daemon share: the supervisor's loop (sockets, timers), how to start
// and signal children, the name resolver, and which children are exec probes. One per engine;
// every member is used on the loop thread only.
#pragma once

#include "core/health/exec_probe.h"
#include "core/health/resolver.h"
#include "core/process/children.h"
#include "core/process/spawner.h"
#include "core/supervisor/loop.h"

namespace phpeek::health {

struct ProbeContext {
  ProbeContext(supervisor::Loop& l, process::Spawner& s, process::Children& c)
      : loop(l), spawner(s), children(c), resolver(l) {}

  supervisor::Loop& loop;
  process::Spawner& spawner;
  process::Children& children;
  Resolver resolver;
  ProbeChildren exec_children;
};

}  // namespace phpeek::health
