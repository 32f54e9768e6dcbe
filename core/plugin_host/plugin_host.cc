#include "core/plugin_host/plugin_host.h"

#include <utility>

#include "core/log/log.h"
#include "core/plugin_host/abi_codes.h"

namespace phpeek::plugin_host {
namespace {

std::string AbiText(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace

PluginHost::PluginHost(std::vector<LoadedPlugin> plugins, std::string global_json,
                       LifecycleOptions options, const Factory& factory)
    : global_json_(std::move(global_json)), options_(options) {
  for (LoadedPlugin& plugin : plugins) {
    log::Info("plugin loaded",
              {{"plugin", plugin.name},
               {"path", plugin.path},
               {"version", plugin.version},
               {"abi_built", AbiText(plugin.built_major, plugin.built_minor)},
               {"abi_negotiated", AbiText(PHPEEK_ABI_MAJOR, plugin.negotiated_minor)}});
    instances_.push_back(factory ? factory(std::move(plugin), options_)
                                 : std::make_unique<PluginInstance>(std::move(plugin), options_));
  }
}

PluginHost::~PluginHost() { Stop(); }

bool PluginHost::Start(Control* control) {
  if (instances_.empty()) return true;
  if (!listening_) {
    control->AddListener(this);
    listening_ = true;
  }
  for (auto& instance : instances_) {
    std::string err;
    const bool ok =
        instance->Init(control, &global_json_, &stopping_, &err) && instance->Start(&err);
    if (!ok) {
      log::Error(err, {{"plugin", instance->name()}});
      Stop();
      return false;
    }
    ++started_;
    log::Info("plugin started", {{"plugin", instance->name()}});
  }
  return true;
}

bool PluginHost::Stop() {
  stopping_ = true;
  using Clock = PluginInstance::Clock;
  const int64_t began = shutdown_began_ns_.load();
  const Clock::time_point deadline =
      (began != 0 ? Clock::time_point(Clock::duration(began)) : Clock::now()) +
      options_.shutdown_timeout;
  bool clean = true;
  for (size_t i = started_.exchange(0); i-- > 0;) {
    if (instances_[i]->Shutdown(deadline)) {
      log::Info("plugin stopped", {{"plugin", instances_[i]->name()}});
    } else {
      clean = false;
    }
  }
  for (auto& instance : instances_) {
    clean = instance->Shutdown(deadline) && clean;  // no-op for those already done
  }
  return clean;
}

void PluginHost::OnEvent(const Event& event) {
  // Before the event is queued: a plugin that reads its keys when it hears of the reload, or after
  // the reload's answer, reads the new block.
  if (event.type == EventType::kConfigReloaded) global_json_.Set(event.global_json);
  if (event.type == EventType::kShuttingDown) {
    stopping_ = true;
    int64_t none = 0;
    const int64_t now = PluginInstance::Clock::now().time_since_epoch().count();
    shutdown_began_ns_.compare_exchange_strong(none, now);
  }
  const size_t running = started_.load();
  if (running == 0) return;
  if (ToAbiEventType(event.type) == 0) return;  // the core's own (kReadinessChanged)
  const auto abi_event = ToAbiEvent(event);
  for (size_t i = 0; i < running; ++i) instances_[i]->Push(abi_event);
}

}  // namespace phpeek::plugin_host
