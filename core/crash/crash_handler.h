// When the daemon itself crashes (a fatal signal or std::terminate on any thread, a plugin's own
// threads included), no child may outlive it. The handler, async-signal-safe (system calls only,
// on an alternate signal stack):
//   1. lets one thread handle the crash (another crashing thread waits for the process to end);
//      from then on nothing new is spawned (group_registry.h);
//   2. writes one line to the daemon's stdout, in its log format: the signal, the cause, the
//      thread (id and name), the plugin when the crash is put down to one (plugin_registry.h),
//      the exception's text for std::terminate;
//   3. sends every registered process group its stop signal (then SIGCONT) and every other child
//      SIGTERM, reaps until none is left or the stop grace has passed, then SIGKILLs every group
//      and child (as PID 1: every process of the namespace) until none is left, for at most
//      kKillWait more;
//   4. ends the daemon by the same signal with its default action (a core dump where enabled),
//      or, where that is ignored (PID 1 of a namespace), with exit status 128 + signal.
#pragma once

#include <chrono>

namespace phpeek::crash {

// At most this long from the stop signals to SIGKILL, whatever shutdown_timeout says: a crashed
// daemon cannot supervise a graceful stop.
constexpr std::chrono::milliseconds kMaxStopGrace{2000};
// How long SIGKILL is repeated (children re-parented meanwhile) before the daemon exits anyway.
constexpr std::chrono::milliseconds kKillWait{2000};

struct CrashOptions {
  std::chrono::milliseconds stop_grace = kMaxStopGrace;  // capped at kMaxStopGrace
  bool json = false;                                     // the daemon's log format
};

// Installs the handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP and SIGSYS
// (SA_ONSTACK) and std::terminate, and gives the calling thread (the main thread) an alternate
// signal stack. Call again to change the options.
void InstallCrashHandler(const CrashOptions& options);

// Gives the calling thread an alternate signal stack of its own, freed when the thread ends, so
// that a stack overflow on it still runs the handler. Threads start without one; the host calls
// this on its own threads (a plugin's threads overflowing their stack die without the handler).
void EnsureAltStack();

}  // namespace phpeek::crash
