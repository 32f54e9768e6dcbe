// The daemon's live children, orphans re-parented to it included, found by a scan of /proc with
// system calls only (async-signal-safe), for the crash handler. The engine's own list is
// process::SystemChildren::List, which allocates.
#pragma once

#include <sys/types.h>

namespace phpeek::crash {

// Opens /proc and keeps it, with one spare descriptor that the scan gives up to read each
// /proc/<pid>/stat: a daemon out of descriptors can still find its children. Not for a handler.
void PrepareChildScan();
// Calls fn(pid, ctx) for every live (not zombie) child of `parent`. Async-signal-safe.
void ForEachChild(pid_t parent, void (*fn)(pid_t pid, void* ctx), void* ctx);

}  // namespace phpeek::crash
