#include "core/plugin_host/process_list_cache.h"

#include "core/plugin_host/process_json.h"

namespace phpeek::plugin_host {

std::shared_ptr<const std::string> ProcessListCache::Get(const Control& control) {
  // Before the snapshot (see Control::SnapshotGeneration): the text is at least as new as `gen`.
  const uint64_t gen = control.SnapshotGeneration();
  if (gen != 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (json_ != nullptr && generation_ == gen) return json_;
  }
  auto json = std::make_shared<const std::string>(ProcessListJson(control.Snapshot()));
  if (gen != 0) {
    std::lock_guard<std::mutex> lock(mu_);
    // Concurrent writers of different generations: the newest one is kept.
    if (json_ == nullptr || gen >= generation_) {
      generation_ = gen;
      json_ = json;
    }
  }
  return json;
}

}  // namespace phpeek::plugin_host
