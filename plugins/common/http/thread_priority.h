// The CPU priority of a server's threads, below the supervisor loop's
// (ServerOptions::lower_priority).
#pragma once

namespace phpeek::http {

// The nice value of a server's I/O and worker threads when it runs them at lower priority.
//
// Why: 64 busy keep-alive clients keep the server's threads runnable all the time. At equal
// priority the supervision loop is then one thread among many on a couple of cores and waits its
// turn behind them: kill -9 to replacement took 5-8x longer with the REST API under load
// (tests/bench/rest_api_load.sh). Nice 19 gives each server thread ~1.5% of a nice-0 thread's CPU
// weight, so the loop (and the children it spawns) run as soon as they wake, while the server
// still gets all the CPU nobody else wants. Nice 10 and 14 were measured too: a lower API tail
// latency at 10, but supervision up to 2.2x slower under load at both. The cost: on a host
// saturated by nice-0 work, answers wait longer for CPU. A control surface should yield to the
// supervision it serves.
constexpr int kLowPriorityNice = 19;

// Lowers the calling thread's priority to kLowPriorityNice, once per thread; a thread already at
// that nice value or lower priority is left alone (raising priority back needs privileges anyway).
// Linux only: there setpriority(PRIO_PROCESS, tid) applies to one thread, not the process; every
// other thread of the daemon, the loop included, keeps its priority. Best effort: a failure only
// leaves the thread at its inherited priority.
void LowerThreadPriority();

}  // namespace phpeek::http
