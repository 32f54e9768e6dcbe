// Blocking frame reads and writes on a stream socket, for the helper's side of the link (the
// daemon's side never blocks: isolated_plugin.cc). SIGPIPE is never raised (MSG_NOSIGNAL).
#pragma once

#include <string>

#include "core/plugin_isolation/frame.h"

namespace phpeek::plugin_isolation {

// Writes all of `bytes`; false when the peer is gone.
bool WriteAll(int fd, const std::string& bytes);
// The next frame from `fd`, reading as much as needed; false at end of stream or on a corrupt
// stream (the reason in *err; empty at a clean end).
bool ReadFrame(int fd, FrameDecoder* decoder, Frame* out, std::string* err);

}  // namespace phpeek::plugin_isolation
