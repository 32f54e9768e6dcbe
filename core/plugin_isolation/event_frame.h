// An AbiEvent as a kEvent frame and back: what a helper's plugin receives is the event the
// in-process plugins get, field for field.
#pragma once

#include <memory>

#include "core/plugin_host/event_dispatcher.h"
#include "core/plugin_isolation/frame.h"

namespace phpeek::plugin_isolation {

Frame EventFrame(const plugin_host::AbiEvent& event);
// Null when the frame is malformed.
std::shared_ptr<const plugin_host::AbiEvent> EventFromFrame(const Frame& frame);

}  // namespace phpeek::plugin_isolation
