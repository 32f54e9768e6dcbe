// What the host-service tests share: a plugin context ("probe") over a fake control, and a call
// through a C function pointer with string sinks. `ControlT` is FakeControl or a subclass that
// scripts what the service under test reads.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_host/host_context.h"
#include "core/plugin_host/sink.h"
#include "phpeek/plugin_abi.h"
#include "tests/unit/plugin_host/fake_control.h"

namespace phpeek::plugin_host {

template <typename ControlT>
class HostFixture : public ::testing::Test {
 protected:
  explicit HostFixture(std::string global_json = "{}")
      : global_(std::move(global_json)), events_("probe", 16) {
    control_.SetProcesses({testing::WebProcess()});
    ctx_.plugin_name = "probe";
    ctx_.control = &control_;
    ctx_.global_json = &global_;
    ctx_.events = &events_;
    ctx_.host_stopping = &stopping_;
  }

  // Calls `f(out_sink, err_sink)`; returns the status, filling out_ and err_.
  template <typename F>
  int32_t Call(F f) {
    out_.clear();
    err_.clear();
    phpeek_sink out = StringSink(&out_), err = StringSink(&err_);
    return f(&out, &err);
  }

  const phpeek_host_api_v1* api_ = HostServices();
  ControlT control_;
  GlobalJson global_;
  std::atomic<bool> stopping_{false};
  EventDispatcher events_;
  phpeek_host ctx_;
  std::string out_, err_;
};

}  // namespace phpeek::plugin_host
