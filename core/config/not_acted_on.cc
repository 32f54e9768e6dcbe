#include "core/config/not_acted_on.h"

namespace phpeek::config {
namespace {

void Append(const std::string& prefix, const std::vector<std::string>& keys,
            const std::vector<SourcePos>& positions, std::vector<NotActedOn>* out) {
  for (size_t i = 0; i < keys.size(); ++i) {
    out->push_back({prefix + keys[i], i < positions.size() ? positions[i] : SourcePos{}});
  }
}

}  // namespace

std::vector<NotActedOn> NotActedOnKeys(const Config& config) {
  std::vector<NotActedOn> out;
  for (const ProcessSpec& p : config.processes) {
    Append("processes." + p.name + ".", p.deferred_keys, p.deferred_pos, &out);
  }
  Append("global.", config.global.deferred_keys, config.global.deferred_pos, &out);
  return out;
}

}  // namespace phpeek::config
