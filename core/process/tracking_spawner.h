// A Spawner that hands every child it starts to Children::Track, so that the supervisor learns of
// each exit through the child's own descriptor instead of walking every child (see children.h).
// Used on the supervisor's loop thread only, like the Children it tracks with.
#pragma once

#include "core/process/children.h"
#include "core/process/spawner.h"

namespace phpeek::process {

class TrackingSpawner final : public Spawner {
 public:
  TrackingSpawner(Spawner& inner, Children& children) : inner_(inner), children_(children) {}

  SpawnResult Spawn(const SpawnRequest& request) override {
    SpawnResult r = inner_.Spawn(request);
    if (r.pid > 0) children_.Track(r.pid);
    return r;
  }

 private:
  Spawner& inner_;
  Children& children_;
};

}  // namespace phpeek::process
