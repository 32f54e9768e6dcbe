/*
 * phpeek-pm plugin ABI, major 1: the whole contract between the daemon ("host") and a plugin.
 *
 * A plugin is a shared object the daemon dlopen()s (RTLD_NOW | RTLD_LOCAL). It exports exactly one
 * symbol, phpeek_plugin_entry_v1, which returns a pointer to a static descriptor of its hooks. The
 * host hands the plugin a table of services (logging, configuration, the process table, process
 * control, events, the daemon's own status). Only C types cross the boundary: fixed-width
 * integers, `const char*`, plain structs and function pointers. No C++ type, no exception and no
 * heap block ever changes sides.
 *
 * This header is C99 and includes only <stdint.h> and <stddef.h>; it is usable from C and C++.
 *
 * OWNERSHIP
 *  1. Host-owned: the services table (valid for the life of the process), the phpeek_host*
 *     context (valid from init until destroy returns), and every pointer passed to the plugin as
 *     an argument or inside a phpeek_event: valid only for the duration of that call. Copy what
 *     you want to keep.
 *  2. Plugin-owned: the descriptor and the strings it points to (must live as long as the library
 *     is loaded, i.e. static storage), the `self` instance pointer, and every phpeek_sink and the
 *     buffer behind it.
 *  3. Results travel through sinks: the callee calls sink->write(ctx, data, len) zero or more
 *     times and the caller appends the bytes to its own buffer. Data is not NUL-terminated. No
 *     function in this ABI returns memory that the caller must free. Errors are a status code
 *     (PHPEEK_OK or PHPEEK_E_*) plus, when the `err` sink is non-NULL, a human-readable message
 *     written to it. Inputs are NUL-terminated strings borrowed for the duration of the call.
 *
 * THREADING
 *  1. The entry function, init, start and destroy are called on the daemon's main thread; stop is
 *     called on a host helper thread (a new one each time) while the main thread waits for it.
 *     Hooks are called one at a time, never concurrently with each other, save for an abandoned
 *     stop or callback (see 5). The host logs a warning when a hook runs past 5 s, and again when
 *     it returns; init, start and destroy have no other limit (one that never returns hangs the
 *     daemon); stop is bounded as 5 says. start may spawn threads; stop must return only after
 *     every thread the plugin started has finished: the host never unloads the library, but a
 *     stray thread running after stop races the daemon's exit.
 *  2. Host services are thread-safe and may be called from any plugin thread between the moment
 *     init is entered and the moment stop returns; log and unsubscribe also during destroy.
 *  3. process_control validates the request at once (unknown process, bad argument, shutting down)
 *     and queues it into the single-threaded supervisor loop without waiting for the loop: OK
 *     means accepted, and the outcome arrives as events. This host never waits, so it never
 *     returns PHPEEK_E_TIMEOUT. timeout_ms is how long the caller allows the call to block (a
 *     later host may wait up to that long for the loop to accept, never for "running"); 0 means
 *     it must not block. A call with timeout_ms > 0 from an event callback returns
 *     PHPEEK_E_WOULD_BLOCK (a dispatch thread must never wait on the loop that feeds it).
 *     job_control and job_wait (1.1) do block, up to timeout_ms: for the loop's answer, for the
 *     end of a run (which a shutdown bounds, as it stops every run); the same rule applies.
 *  4. Events reach each plugin on its own host-owned dispatch thread (started by its first
 *     subscribe), one at a time and in increasing `seq` order. Each subscription has a bounded
 *     queue of 1024 events. When a queue is full its oldest event is dropped: the next event
 *     delivered on that subscription carries the number lost in `dropped`, and the host logs a
 *     warning naming the plugin. Callbacks must return quickly.
 *  5. Shutdown: the host sends SHUTTING_DOWN, refuses new control requests (PHPEEK_E_STOPPING) and
 *     stops the processes while plugins still receive events (their state changes and exits).
 *     Then, for each plugin in reverse load order: the events already queued for it are delivered
 *     for at most 5 s and not past the deadline below; whatever is still queued then is discarded
 *     without telling the plugin (no later event carries the count); delivery ends (no callback
 *     runs during or after stop; subscribe answers PHPEEK_E_STOPPING); stop is called, then
 *     destroy. A callback still running and stop are waited for until the global shutdown_timeout
 *     has passed since SHUTTING_DOWN (at least 1 s each). Past that the plugin is abandoned: an
 *     error names it, stop (after a stuck callback) and destroy are not called, its library and
 *     host context stay in memory, and the daemon exits with status 1 without running static
 *     destructors. Libraries are never dlclose()d.
 *  6. Crashes: a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS) or
 *     std::terminate (an exception escaping a plugin's own thread) anywhere in the daemon runs the
 *     host's handler: every supervised process gets its stop signal, then SIGKILL after at most
 *     2 s; one log line names the plugin when the crash is in a call into it, in its code, or on a
 *     thread with its code on the stack; the daemon ends by that signal. Plugins must not install
 *     their own handlers for these signals or for std::terminate. A plugin configured with
 *     `isolation: process` runs in a helper process instead: the same library, hooks and services
 *     table (calls forwarded to the daemon), and a crash there ends only the helper, which the
 *     daemon logs and restarts (sdk/ABI.md, "Running a plugin in a process of its own").
 *
 * VERSIONING
 *  - The ABI major is in the entry symbol's name (phpeek_plugin_entry_v1). A new major is a new
 *    symbol; a host may keep loading older majors through an adapter.
 *  - Within a major, a minor only appends struct members, event types, control ops, status codes
 *    and JSON keys. Nothing is reordered, removed, retyped or given a new meaning.
 *  - Every struct that may grow starts with struct_size. Readers check it (PHPEEK_HAS_MEMBER)
 *    before reading a member added by a later minor; absent members read as zero/NULL. Entries of
 *    a plugin's config_keys array are sized by the descriptor's config_key_size instead, and the
 *    sinks (phpeek_sink, phpeek_diagnostic_sink) never grow.
 *  - Negotiation at load: the host calls the entry with its own version; the plugin returns its
 *    descriptor (or NULL to decline). The host refuses a descriptor with another abi_major, a
 *    struct_size below the 1.0 size, or abi_minor above the host's minor unless min_host_minor
 *    (the oldest host minor the plugin still works with, guarding newer calls itself through
 *    PHPEEK_HAS_MEMBER) is not above it. The negotiated minor is min(plugin minor, host minor).
 *  - JSON documents carry "schema": 1. Keys are only added within a major; ignore unknown keys.
 *
 * STATUS CODES (int32_t; values fixed forever and never reused; map unknown values to INTERNAL)
 *   0 PHPEEK_OK, 1 E_INVALID_ARGUMENT, 2 E_NOT_FOUND, 3 E_STATE, 4 E_UNSUPPORTED, 5 E_TIMEOUT,
 *   6 E_WOULD_BLOCK, 7 E_STOPPING, 8 E_TYPE, 9 E_DENIED, 10 E_VERSION, 99 E_INTERNAL.
 *
 * CHANGELOG (one dated line per change, newest last)
 *   2026-11-29  1.0  first stable ABI.
 *   2026-12-06  1.1  phpeek_host_api_v1.daemon_status: the daemon's own state as JSON (pid, start
 *                    time, log lines dropped while its stdout was stalled).
 *   2026-12-06  1.1  PHPEEK_STATE_SUSPENDED (9): an instance whose process is stopped (SIGSTOP).
 *   2026-12-06  1.1  header helpers phpeek_state_name, phpeek_event_type_name (no ABI change).
 *   2026-12-06  1.1  text only, now as the code does it: stop runs on a host helper thread;
 *                    process_control never waits, so no E_TIMEOUT; queues of 1024 events; at
 *                    shutdown, 5 s to drain, the rest discarded unannounced; unsubscribe and log
 *                    allowed during destroy.
 *   2026-12-06  1.1  text only, as the host does it: stop and a callback still running at shutdown
 *                    are bounded by shutdown_timeout (at least 1 s), no longer 10 s; an abandoned
 *                    plugin makes the daemon exit 1; the host's crash handler stops every process
 *                    (THREADING 6).
 *   2026-12-06  1.1  typed configuration keys: phpeek_config_key, PHPEEK_KEY_* types and flags,
 *                    descriptor members config_keys, config_key_count, config_key_size; the host
 *                    checks declared keys and hands them over in the NORMAL FORM below.
 *   2026-12-06  1.1  descriptor member validate_config (cross-key checks, no init needed) with
 *                    phpeek_config_view, phpeek_diagnostic, phpeek_diagnostic_sink,
 *                    PHPEEK_SEVERITY_*.
 *   2026-12-06  1.1  text: config_json and config_get_json documented as the normal form (core
 *                    durations in ms, sizes in bytes).
 *   2026-12-06  1.1  PHPEEK_EVENT_HEALTH_CHANGED (6) with PHPEEK_HEALTH_* codes; process_list and
 *                    process_get: "ready" per process and instance, "health" and "health_check" per
 *                    instance with a check; daemon_status: "ready", "waiting", "failed"; EXITED's
 *                    detail_json: "ended_by". A plugin negotiated at 1.0 never sees event type 6.
 *   2026-12-06  1.1  PHPEEK_EVENT_HOOK_FINISHED (7): a lifecycle hook ended (detail_json: hook,
 *                    hook_type, result, attempts, duration_ms); not delivered to plugins that
 *                    negotiated 1.0. Instances in process_list/process_get gain "reason" (why
 *                    one is failed or backing off, when a hook or the spawn says).
 *   2026-12-06  1.1  scheduled jobs: host services job_get, job_history, job_control (PAUSE,
 *                    RESUME, TRIGGER) and job_wait; events JOB_RUN_STARTED (8) and
 *                    JOB_RUN_FINISHED (9); the job members of a process in process_list.
 *   2026-12-06  1.1  dependencies: PHPEEK_EVENT_DEPENDENCY_BLOCKED (10), not delivered to plugins
 *                    that negotiated 1.0; PHPEEK_STATE_BLOCKED (10); process_list/process_get:
 *                    "type", "waiting_for" (while waiting) and, when blocked, "reason" per
 *                    process.
 *   2026-12-06  1.1  configuration reload: host service config_reload (appended after job_wait);
 *                    CONFIG_RELOADED's detail_json gains "global" (the new block, normal form)
 *                    and "reload" (what changed); config_get_json/config_get_string answer the
 *                    new block from then on; daemon_status gains "config_reloads" and
 *                    "config_last_reload_success_ms"; validate_config also runs at a reload, on
 *                    a host thread.
 *   2026-12-06  1.1  text only: THREADING 6 notes `isolation: process` (no ABI change).
 *   2026-12-06  1.1  process logs: host services log_read, log_follow, log_next, log_unfollow
 *                    (appended after config_reload); daemon_status gains "log_history".
 *   2026-12-06  1.1  JSON key only: process_list/process_get give P "php_fpm_status" ({"address",
 *                    "path"}, as configured) for a process with that key (the metrics plugin's
 *                    php-fpm pool series); absent otherwise, and on an older host.
 *   2026-12-07  1.1  control ops PHPEEK_OP_RELOAD (5), PHPEEK_OP_SIGNAL (6) and
 *                    PHPEEK_OP_SIGNAL_GROUP (7); instances in process_list/process_get gain
 *                    "reloads" (reload signals sent to it). An older host answers E_UNSUPPORTED.
 *   2026-12-07  1.1  JSON key only: P gains "config_test" ({"runs","error"}) for a process with
 *                    a config_test.
 */
#ifndef PHPEEK_PLUGIN_ABI_H
#define PHPEEK_PLUGIN_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PHPEEK_ABI_MAJOR 1
#define PHPEEK_ABI_MINOR 1

/* True when the headers being compiled against are at least `major.minor`. */
#define PHPEEK_ABI_AT_LEAST(major, minor) \
  (PHPEEK_ABI_MAJOR > (major) || (PHPEEK_ABI_MAJOR == (major) && PHPEEK_ABI_MINOR >= (minor)))

/* Offset test for versioned structs: does the struct at `ptr` (which starts with struct_size)
 * contain `member`? Use it before reading any member added after 1.0. */
#define PHPEEK_HAS_MEMBER(type, ptr, member) \
  ((ptr) != NULL && (size_t)(ptr)->struct_size >= offsetof(type, member) + sizeof((ptr)->member))

/* ---- Status codes ---------------------------------------------------------------------------- */
#define PHPEEK_OK 0
#define PHPEEK_E_INVALID_ARGUMENT 1 /* bad name, bad op argument, malformed pointer */
#define PHPEEK_E_NOT_FOUND 2        /* no such process, config key or subscription */
#define PHPEEK_E_STATE 3            /* request does not fit the current state */
#define PHPEEK_E_UNSUPPORTED 4      /* op, event type or member unknown to this host */
#define PHPEEK_E_TIMEOUT 5          /* not done within timeout_ms (job_control, job_wait) */
#define PHPEEK_E_WOULD_BLOCK 6      /* blocking call from an event callback */
#define PHPEEK_E_STOPPING 7         /* the daemon is shutting down */
#define PHPEEK_E_TYPE 8      /* value has another type (e.g. object where a scalar was asked) */
#define PHPEEK_E_DENIED 9    /* reserved for per-plugin permissions */
#define PHPEEK_E_VERSION 10  /* incompatible ABI version */
#define PHPEEK_E_INTERNAL 99 /* anything else, including an exception caught at the edge */

/* ---- Log levels ------------------------------------------------------------------------------ */
#define PHPEEK_LOG_DEBUG 0
#define PHPEEK_LOG_INFO 1
#define PHPEEK_LOG_WARN 2
#define PHPEEK_LOG_ERROR 3

/* ---- Process control operations -------------------------------------------------------------- */
#define PHPEEK_OP_START 1
#define PHPEEK_OP_STOP 2
#define PHPEEK_OP_RESTART 3
#define PHPEEK_OP_SCALE 4 /* arg = desired instance count */
/* 1.1: the process's reload_signal to each running instance's main process (E_STATE without
 * one); an instance with a readiness check is not ready again until the check passes. */
#define PHPEEK_OP_RELOAD 5
/* 1.1: arg = a signal number (phpeek/signals.hpp names them) to each instance's main process, or
 * with SIGNAL_GROUP to its whole process group. */
#define PHPEEK_OP_SIGNAL 6
#define PHPEEK_OP_SIGNAL_GROUP 7

/* ---- Scheduled-job operations (job_control, 1.1) --------------------------------------------- */
#define PHPEEK_JOB_OP_PAUSE 1   /* ticks are dropped until RESUME; runs in flight go on */
#define PHPEEK_JOB_OP_RESUME 2  /* ticks that fell due while paused do not run */
#define PHPEEK_JOB_OP_TRIGGER 3 /* one run now (also while paused), within max_concurrent */

/* ---- Event types and subscription masks ------------------------------------------------------ */
#define PHPEEK_EVENT_STATE_CHANGED 1   /* a process or an instance changed state */
#define PHPEEK_EVENT_SPAWNED 2         /* an instance was spawned (pid set) */
#define PHPEEK_EVENT_EXITED 3          /* an instance exited (exit_code or signal set) */
#define PHPEEK_EVENT_CONFIG_RELOADED 4 /* the configuration was reloaded */
#define PHPEEK_EVENT_SHUTTING_DOWN 5   /* the daemon began its shutdown */
/* 1.1: an instance's health check changed its health (old_state/new_state: PHPEEK_HEALTH_*). Sent
 * only to plugins that negotiated 1.1 or later. */
#define PHPEEK_EVENT_HEALTH_CHANGED 6
/* 1.1: a lifecycle hook ended (see phpeek_event). Sent only to plugins that negotiated 1.1. */
#define PHPEEK_EVENT_HOOK_FINISHED 7
/* 1.1, like 6 and 7 sent only to plugins that negotiated 1.1 or later: */
#define PHPEEK_EVENT_JOB_RUN_STARTED 8  /* 1.1: a scheduled job's run was spawned (pid set) */
#define PHPEEK_EVENT_JOB_RUN_FINISHED 9 /* 1.1: a run ended, or a tick was skipped */
/* 1.1: a process's instances that wait for their dependencies (depends_on) can no longer start:
 * a dependency failed, was stopped, or dependency_timeout passed (see phpeek_event). */
#define PHPEEK_EVENT_DEPENDENCY_BLOCKED 10
#define PHPEEK_EVENT_MASK(type) (1u << (type))
#define PHPEEK_EVENT_MASK_ALL 0xFFFFFFFFu

/* ---- Process and instance states (phpeek_event old_state/new_state) -------------------------- */
#define PHPEEK_STATE_UNKNOWN 0 /* a state word this header does not know; see detail_json */
#define PHPEEK_STATE_STARTING 1
#define PHPEEK_STATE_RUNNING 2
#define PHPEEK_STATE_BACKOFF 3 /* instance only: waiting to restart */
#define PHPEEK_STATE_STOPPING 4
#define PHPEEK_STATE_STOPPED 5
#define PHPEEK_STATE_FAILED 6
#define PHPEEK_STATE_COMPLETED 7
#define PHPEEK_STATE_DEGRADED 8 /* process only: some instances not running */
#define PHPEEK_STATE_SUSPENDED                                                                  \
  9                             /* instance only: running, but its process is stopped (SIGSTOP) \
                                 */
#define PHPEEK_STATE_BLOCKED 10 /* 1.1: waiting to spawn for a dependency that cannot be met */

/* ---- Health of an instance (1.1; HEALTH_CHANGED old_state/new_state) ------------------------- */
#define PHPEEK_HEALTH_UNKNOWN 0   /* no verdict yet: from each spawn until its check passes */
#define PHPEEK_HEALTH_HEALTHY 1   /* success_threshold consecutive passes */
#define PHPEEK_HEALTH_UNHEALTHY 2 /* failure_threshold consecutive failures */

/* Names for messages: the state words of process_list and detail_json ("running", ...) and the
 * event types in lower case ("exited", ...); "unknown" for codes this header does not know.
 * Header-only helpers (1.1 headers), usable with any host. */
static inline const char* phpeek_state_name(int32_t state) {
  switch (state) {
    case PHPEEK_STATE_STARTING:
      return "starting";
    case PHPEEK_STATE_RUNNING:
      return "running";
    case PHPEEK_STATE_BACKOFF:
      return "backoff";
    case PHPEEK_STATE_STOPPING:
      return "stopping";
    case PHPEEK_STATE_STOPPED:
      return "stopped";
    case PHPEEK_STATE_FAILED:
      return "failed";
    case PHPEEK_STATE_COMPLETED:
      return "completed";
    case PHPEEK_STATE_DEGRADED:
      return "degraded";
    case PHPEEK_STATE_SUSPENDED:
      return "suspended";
    case PHPEEK_STATE_BLOCKED:
      return "blocked";
    default:
      return "unknown";
  }
}

static inline const char* phpeek_event_type_name(uint32_t type) {
  switch (type) {
    case PHPEEK_EVENT_STATE_CHANGED:
      return "state_changed";
    case PHPEEK_EVENT_SPAWNED:
      return "spawned";
    case PHPEEK_EVENT_EXITED:
      return "exited";
    case PHPEEK_EVENT_CONFIG_RELOADED:
      return "config_reloaded";
    case PHPEEK_EVENT_SHUTTING_DOWN:
      return "shutting_down";
    case PHPEEK_EVENT_HEALTH_CHANGED:
      return "health_changed";
    case PHPEEK_EVENT_HOOK_FINISHED:
      return "hook_finished";
    case PHPEEK_EVENT_JOB_RUN_STARTED:
      return "job_run_started";
    case PHPEEK_EVENT_JOB_RUN_FINISHED:
      return "job_run_finished";
    case PHPEEK_EVENT_DEPENDENCY_BLOCKED:
      return "dependency_blocked";
    default:
      return "unknown";
  }
}

/* ---- Data exchange --------------------------------------------------------------------------- */

/* Output channel owned by the caller. The callee calls write() zero or more times; the bytes are
 * valid only during write(). `write` must not call back into the host. */
typedef struct phpeek_sink {
  void* ctx;
  void (*write)(void* ctx, const char* data, size_t len);
} phpeek_sink;

/* Opaque per-plugin context owned by the host: identifies the caller (log name, subscriptions). */
typedef struct phpeek_host phpeek_host;

/* One event. All pointers are valid only during the callback; check struct_size (via
 * PHPEEK_HAS_MEMBER) before reading members added after 1.0.
 *  process      process name; "" for daemon-wide events (CONFIG_RELOADED, SHUTTING_DOWN)
 *  instance     instance id "<name>-<index>"; "" for process-level events
 *  pid          SPAWNED/EXITED: the instance's pid; HEALTH_CHANGED: its pid when running; else 0
 *  exit_code    EXITED: exit status, or -1 when killed by a signal; HOOK_FINISHED: the same of
 *               the hook's last attempt; else -1
 *  signal       EXITED, HOOK_FINISHED: the signal that ended it, else 0
 *  old_state,
 *  new_state    STATE_CHANGED: PHPEEK_STATE_* codes (of the instance, or of the process when
 *               `instance` is ""); HEALTH_CHANGED (1.1): PHPEEK_HEALTH_* codes; else 0
 *  dropped      events lost on this subscription's queue since the previous delivery
 *  detail_json  a JSON object with the same facts as strings ({"schema":1,"old_state":"running",
 *               ...}); later minors add keys here, never remove them. 1.1: HEALTH_CHANGED has
 *               "old_health", "new_health" ("unknown", "healthy", "unhealthy"), "check" ("tcp",
 *               "http", "exec"), "mode" ("both", "liveness", "readiness"), "reason" (why the last
 *               attempt failed, "" when it passed), "restart" (true when the instance is restarted
 *               for it) and "ready"; EXITED has "ended_by": "health_check" when the supervisor
 *               stopped the instance for failing its liveness check; HOOK_FINISHED (`process`
 *               "" for a global hook, else the process and instance it ran for) adds "hook" (its
 *               name), "hook_type" (pre_start post_start pre_stop post_stop), "result" (success
 *               failure timeout cancelled), "attempts" and "duration_ms". CONFIG_RELOADED
 *               (1.1 keys): "global", the new `global:` block in the normal form (what init's
 *               config_json holds under "global"; config_get_json answers it from now on), and
 *               "reload", what changed ({"status":"reloaded","added":[...],"removed":[...],
 *               "restarted":[...],"updated":[...],"unchanged":N}). A plugin applies what it can
 *               at once and logs what needs a daemon restart (a listening port, say).
 * JOB_RUN_STARTED and JOB_RUN_FINISHED (1.1): `process` is the job, `instance` "", `pid` the run's
 * (0 for a skipped tick); FINISHED sets exit_code and signal as EXITED does. detail_json adds
 * "run_id", "trigger" ("schedule" or "manual") and, FINISHED, "result" ("success", "failure",
 * "timeout", "skipped") and "duration_ms".
 * DEPENDENCY_BLOCKED (1.1): `process` is the blocked process, `instance` "", sent once when it
 * becomes blocked; detail_json adds "dependency" (the one that cannot be met), "reason" (why, e.g.
 * "'redis' failed (exit code 1)" or "dependency_timeout (30s) passed waiting for redis") and
 * "waiting_for" (every dependency not met, an array of names). */
typedef struct phpeek_event {
  uint32_t struct_size;
  uint32_t type;
  uint64_t seq;
  int64_t unix_ms;
  const char* process;
  const char* instance;
  int32_t pid;
  int32_t exit_code;
  int32_t signal;
  int32_t old_state;
  int32_t new_state;
  uint32_t dropped;
  const char* detail_json;
} phpeek_event;

typedef void (*phpeek_event_fn)(void* user, const phpeek_event* ev);

/* ---- Host services (host-owned, static for the life of the process) -------------------------- */
typedef struct phpeek_host_api_v1 {
  uint32_t struct_size;
  uint32_t abi_major;
  uint32_t abi_minor;
  const char* host_version; /* the daemon's version, e.g. "0.1.0" */

  /* Writes one log line through the daemon's logger, tagged with the plugin's name. `msg` need
   * not be NUL-terminated. Unknown levels log as ERROR. Never waits for the daemon's stdout: while
   * it is stalled, lines beyond a bounded buffer are dropped (counted in daemon_status). */
  void (*log)(phpeek_host* h, int32_t level, const char* msg, size_t len);

  /* Writes the JSON value at `pointer` (RFC 6901, rooted at the YAML `global:` block; "" is the
   * whole block, "/api_port" one key) to `out`, in the NORMAL FORM (see CONFIGURATION below):
   * what init's config_json holds under "global". E_NOT_FOUND when absent, E_INVALID_ARGUMENT
   * when `pointer` is malformed. */
  int32_t (*config_get_json)(phpeek_host* h, const char* pointer, phpeek_sink* out,
                             phpeek_sink* err);
  /* Like config_get_json for scalars, written as plain text (strings unquoted, numbers and
   * booleans as written in JSON, null as ""). Objects and arrays give E_TYPE. */
  int32_t (*config_get_string)(phpeek_host* h, const char* pointer, phpeek_sink* out,
                               phpeek_sink* err);

  /* {"schema":1,"processes":[P...]} where P is {"name","state","scale","instances":[I...]} and I is
   * {"id","state","pid","started_at","restart_count","last_exit_code","last_signal"}: the field
   * names of the Management API, in configuration order.
   * 1.1 adds "ready" (bool) to P and I, "reloads" (reload signals sent, PHPEEK_OP_RELOAD) to I; to
   * I "reason" when there is one (why the instance is failed
   * or backing off, e.g. the pre_start hook that failed) and, when the process has a health check,
   * "health" ("unknown", "healthy", "unhealthy") and "health_check": {"type","mode",
   * "consecutive_failures","passed","failed","duration_seconds_sum","duration_seconds_buckets":
   * [{"le":0.001,"count":N},...],"last_failure"} (counts over the instance's life, cumulative per
   * bucket bound). A scheduled job (a process with `schedule`; it has no instances, its state is
   * "running" while a run is active, else "stopped") adds to P "type":"scheduled", "schedule",
   * "timezone", "schedule_state" ("idle", "executing", "paused"), "next_run" and "last_run" (Unix
   * seconds or null), "last_exit_code" (or null), "run_count", "last_duration_ms" (or null) and
   * "run_results" ({"success":N,"failure":N,"timeout":N,"skipped":N}, counted since the daemon
   * started). 1.1 also adds to P "type" ("longrun" or "oneshot", after "instances"; a job's is
   * "scheduled"), "waiting_for" while instances wait for dependencies before they spawn (an array
   * of names; absent when none) and, when a dependency can no longer be met, state "blocked" (so
   * are the waiting instances) and "reason" (why, on P and on those instances). P has
   * "php_fpm_status": {"address","path"} when the process configures it: where its php-fpm pool
   * answers the status page over FastCGI, as written ("127.0.0.1:9000" or "unix:/path";
   * "{instance_index}" in it stands for each instance's index). P has "config_test": {"runs":N,
   * "error":"..."} when the process has a config_test: the tests run ahead of a restart or
   * reload, and why the last failed (absent after a pass; that action was then not done). */
  int32_t (*process_list)(phpeek_host* h, phpeek_sink* out_json, phpeek_sink* err);
  /* {"schema":1, ...P} for one process; E_NOT_FOUND when there is no such process. */
  int32_t (*process_get)(phpeek_host* h, const char* name, phpeek_sink* out_json, phpeek_sink* err);

  /* Queues START/STOP/RESTART/SCALE/RELOAD/SIGNAL/SIGNAL_GROUP (arg = instance count for SCALE,
   * the signal number for SIGNAL and SIGNAL_GROUP, else ignored) without
   * waiting for the supervisor loop (THREADING 3). Returns PHPEEK_OK once accepted;
   * E_NOT_FOUND, E_INVALID_ARGUMENT (bad op argument or scale out of range), E_STOPPING (shutting
   * down), E_UNSUPPORTED (op unknown to this host), E_WOULD_BLOCK (timeout_ms > 0 from an event
   * callback). Never E_TIMEOUT from this host. Since 1.1, for a scheduled job START resumes its
   * schedule, STOP pauses it and stops its active runs, and the other ops give E_STATE (a job
   * has runs, not instances); RELOAD gives E_STATE for a process without reload_signal, SIGNAL
   * E_INVALID_ARGUMENT for a number phpeek/signals.hpp does not name. */
  int32_t (*process_control)(phpeek_host* h, int32_t op, const char* name, int32_t arg,
                             uint32_t timeout_ms, phpeek_sink* err);

  /* Registers `fn(user, ev)` for the event types in `event_mask` (PHPEEK_EVENT_MASK bits). Each
   * subscription has its own bounded queue (1024 events, THREADING 4); all of a plugin's
   * subscriptions share its dispatch thread. `*out_id` (may be NULL) receives an id for
   * unsubscribe. E_INVALID_ARGUMENT for a NULL fn or an empty mask; E_STOPPING once delivery has
   * ended (THREADING 5). */
  int32_t (*subscribe)(phpeek_host* h, uint32_t event_mask, phpeek_event_fn fn, void* user,
                       uint64_t* out_id);
  /* After it returns, `fn` is not running and will not be called again for this id, unless it is
   * called from that very callback (then the current call is the last). E_NOT_FOUND for an
   * unknown id. Also allowed during destroy (delivery has ended by then), so that a plugin may
   * release its subscriptions while it frees itself. */
  int32_t (*unsubscribe)(phpeek_host* h, uint64_t id);

  /* "OK", "NOT_FOUND", ... for any status code (unknown codes give "INTERNAL"). Static strings. */
  const char* (*status_name)(int32_t status);

  /* ---- 1.1 (check PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, daemon_status) first) ---- */

  /* The daemon's own state: {"schema":1,"version":"0.1.0","pid":N,"started_at_ms":N,
   * "log_lines_dropped":N,"ready":B,"waiting":[...],"failed":[...]}. started_at_ms is the unix
   * time of the daemon's start in ms; log_lines_dropped counts (since the start, never decreasing)
   * the log lines that never reached the daemon's stdout because it was stalled or closed;
   * ready is the daemon's readiness (global.readiness), waiting the tracked processes that are
   * not ready, failed the processes with a given-up instance; config_reloads
   * ({"success":N,"failure":N}) counts the reloads since the start (failure: the file was invalid),
   * config_last_reload_success_ms is the unix time in ms of the last successful load (the start-up
   * one until a reload succeeds); log_history ({"bytes":N,"lines":N,"instances":N,"evicted":N,
   * "followers":N}) is the process-log history's memory and contents (see log_read; evicted:
   * lines dropped to keep under log_buffer_total_bytes). Later minors add keys. Never blocks. */
  int32_t (*daemon_status)(phpeek_host* h, phpeek_sink* out_json, phpeek_sink* err);

  /* ---- 1.1, scheduled jobs (check PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, job_get)) ---- *
   * Each answers E_NOT_FOUND for an unknown process and E_STATE for one without `schedule`.
   * A run R is {"id","trigger","started_at","finished_at","duration_ms","exit_code","signal",
   * "result"} (times in Unix seconds; what a run in flight lacks is null). */

  /* {"schema":1,"name","schedule","timezone","schedule_state","next_run","last_run",
   * "last_exit_code","run_count","last_duration_ms","run_results","max_concurrent","timeout_ms",
   * "active_runs":[id...]}. Never blocks. */
  int32_t (*job_get)(phpeek_host* h, const char* name, phpeek_sink* out_json, phpeek_sink* err);
  /* {"schema":1,"name","runs":[R...]}: active runs, then finished ones, newest first; at most
   * `limit` (0 = all the history keeps: global.schedule_history_size). Never blocks. */
  int32_t (*job_history)(phpeek_host* h, const char* name, uint32_t limit, phpeek_sink* out_json,
                         phpeek_sink* err);
  /* PHPEEK_JOB_OP_*. Waits up to timeout_ms for the supervisor loop to apply it, then writes
   * {"schema":1,"run_id":N} (TRIGGER: the run started; else, or with timeout_ms 0, null). E_STATE:
   * the job is disabled, or TRIGGER while max_concurrent runs are active; E_TIMEOUT: queued but
   * not answered in time; E_STOPPING, E_UNSUPPORTED (unknown op), E_WOULD_BLOCK (timeout_ms > 0
   * from an event callback). */
  int32_t (*job_control)(phpeek_host* h, int32_t op, const char* name, uint32_t timeout_ms,
                         phpeek_sink* out_json, phpeek_sink* err);
  /* Waits up to timeout_ms for run `run_id` to finish and writes {"schema":1, ...R}. E_TIMEOUT:
   * still active (or not started yet); E_NOT_FOUND also for a run the history no longer keeps;
   * E_WOULD_BLOCK (timeout_ms > 0 from an event callback). */
  int32_t (*job_wait)(phpeek_host* h, const char* name, int64_t run_id, uint32_t timeout_ms,
                      phpeek_sink* out_json, phpeek_sink* err);

  /* ---- 1.1, reload (check PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, config_reload)) ---- */

  /* Reads the daemon's configuration file again and puts it in force, as SIGHUP does: the
   * per-process diff (added started, removed stopped, changed ones rolled or scaled, unchanged ones
   * untouched) and CONFIG_RELOADED to every plugin. Waits up to timeout_ms for the outcome and
   * writes {"schema":1,"status":"reloaded","added":[...],"removed":[...],"restarted":[...],
   * "updated":[...],"unchanged":N}; by then config_get_json and config_get_string answer the new
   * block. An invalid file changes nothing: E_INVALID_ARGUMENT, and out_json receives
   * {"schema":1,"status":"invalid","message":"...","errors":[{"file","line","column","key",
   * "message","hint","text"}...]} with every error. E_STATE: another reload is under way;
   * E_STOPPING: the daemon is shutting down; E_TIMEOUT: still under way at timeout_ms (it goes
   * on); E_UNSUPPORTED: the daemon has no file to reload; E_WOULD_BLOCK: timeout_ms > 0 from an
   * event callback. */
  int32_t (*config_reload)(phpeek_host* h, uint32_t timeout_ms, phpeek_sink* out_json,
                           phpeek_sink* err);

  /* ---- 1.1, process logs (check PHPEEK_HAS_MEMBER(phpeek_host_api_v1, api, log_read)) ---- *
   * What the supervised processes wrote, after their `logging` pipeline: each instance's last
   * lines, kept across its restarts (global.log_buffer_lines, log_buffer_bytes,
   * log_buffer_total_bytes). An entry E is {"seq":N,"time":"2026-12-06T15:04:05.123Z","process",
   * "instance","stream":"stdout"|"stderr","level":"debug"|"info"|"warn"|"error","message",
   * "fields":{...}} (fields: the line's own, then the process's labels). seq grows by one for each
   * line of the daemon, across every instance, from 1. `process` NULL or "" selects every
   * process; `instance` NULL or "" every instance (of `process` when set). E_NOT_FOUND: an unknown
   * process or instance (an instance is known while its process has it, and after, as long as
   * its lines are kept). E_INVALID_ARGUMENT: limit above 10000, or since above the newest seq. */

  /* Writes {"schema":1,"entries":[E...],"more":B,"newest_seq":N}, oldest first: with since 0 the
   * newest `limit` entries (0: 100), else the oldest `limit` with seq > since; more: matching
   * entries were left out by limit; newest_seq: the daemon's newest seq (0: none yet). Never
   * waits for the supervisor loop. */
  int32_t (*log_read)(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                      uint32_t limit, phpeek_sink* out_json, phpeek_sink* err);
  /* Starts a follow: writes what log_read would answer (the backlog) and sets *out_id; every
   * later matching line is queued for log_next, with no gap and no duplicate after the backlog.
   * The queue holds queue_lines lines (0: 10000; at most 100000) and about 1 KiB a line on
   * average (4 to 64 MiB: a queue of long lines holds fewer); when the reader falls behind,
   * newer lines are dropped and counted, never waited for. E_STOPPING once the daemon is
   * shutting down. */
  int32_t (*log_follow)(phpeek_host* h, const char* process, const char* instance, uint64_t since,
                        uint32_t limit, uint32_t queue_lines, uint64_t* out_id,
                        phpeek_sink* backlog_json, phpeek_sink* err);
  /* Waits up to timeout_ms for lines on follow `id`, then writes
   * {"schema":1,"entries":[E...],"dropped":N,"closed":B}, oldest first (entries [] when none
   * came in time; at most about 4 MiB of them a call: the rest comes at the next); dropped:
   * lines lost since the previous log_next because the queue was full; closed: none will come
   * any more (log_unfollow, or the shutdown), set with the last entries. E_NOT_FOUND: unknown
   * id; E_WOULD_BLOCK: timeout_ms > 0 from an event callback. */
  int32_t (*log_next)(phpeek_host* h, uint64_t id, uint32_t timeout_ms, phpeek_sink* out_json,
                      phpeek_sink* err);
  /* Ends follow `id`: a log_next waiting on it returns at once with closed true. E_NOT_FOUND for
   * an unknown id. Also allowed during destroy; follows left open end with the plugin (after
   * destroy, or with its helper process under `isolation: process`). */
  int32_t (*log_unfollow)(phpeek_host* h, uint64_t id);
} phpeek_host_api_v1;

/* ---- Configuration (1.1) --------------------------------------------------------------------
 * A plugin declares each top-level `global:` key it reads in its descriptor (config_keys): name,
 * type, default, range or allowed values, one line of help. The host then checks the key where
 * it checks its own (check-config, --dry-run and start-up alike; file:line:column, "did you mean"
 * across every known key), applies PHPEEK_PM_GLOBAL_<KEY> overrides by the declared type, and
 * hands every plugin the same NORMAL FORM, in init's config_json ("global") and through
 * config_get_json / config_get_string:
 *
 *   type      written as                                    the plugin receives
 *   STRING    any scalar                                    JSON string (after ${VAR})
 *   INT       42, -1                                        JSON integer
 *   BOOL      true/false, yes/no, on/off (any case)         JSON true or false
 *   DURATION  30 (seconds), 500ms, 5s, 1m30s, 1h            JSON integer: MILLISECONDS
 *   BYTES     65536, 64KiB, 64K, 64KB, 1MiB (x1024)         JSON integer: BYTES
 *   ADDRESS   host name, IPv4 or IPv6 literal, no port      JSON string ("[::1]" becomes "::1")
 *   PATH      a file system path                            JSON string, absolute: a relative
 *                                                           path is taken from the folder of the
 *                                                           configuration file
 *   ENUM      one of `allowed`                              JSON string
 *   LIST      a YAML list of scalars; from the              JSON array of strings
 *             environment: comma-separated
 *   OBJECT    a YAML map (not from the environment)         JSON object as written: plain
 *                                                           integers and true/false as JSON
 *                                                           numbers and booleans, other scalars
 *                                                           as strings, lists as arrays
 *
 * A declared key that is not set holds its default (in the normal form), or is absent when it has
 * none. A key whose type this host does not know (a newer SDK) is passed as written, like a 1.0
 * global_keys entry: plain integers and true/false as JSON numbers and booleans, other scalars as
 * strings. So are undeclared keys. The core's own keys are in the normal form too: durations in
 * milliseconds (shutdown_timeout, restart_backoff_*), enums as their word, lists as arrays.
 * min/max apply with the HAS_MIN/HAS_MAX flags: to the value of INT, to milliseconds of DURATION,
 * to bytes of BYTES, to the length in bytes of STRING, ADDRESS and PATH (after resolution), to
 * the number of items of a LIST. A key declared by the descriptor is refused at load when its
 * name is not [a-z0-9_]+ (at most 64), its help is missing, or its default does not pass its own
 * rules. */
#define PHPEEK_KEY_STRING 1
#define PHPEEK_KEY_INT 2
#define PHPEEK_KEY_BOOL 3
#define PHPEEK_KEY_DURATION 4
#define PHPEEK_KEY_BYTES 5
#define PHPEEK_KEY_ADDRESS 6
#define PHPEEK_KEY_PATH 7
#define PHPEEK_KEY_ENUM 8
#define PHPEEK_KEY_LIST 9
#define PHPEEK_KEY_OBJECT 10

#define PHPEEK_KEY_FLAG_HAS_MIN 0x1u
#define PHPEEK_KEY_FLAG_HAS_MAX 0x2u
/* An empty value counts as not set (the default applies, or the key is absent), so that
 * `key: ${TOKEN:-}` sets it only when TOKEN is set. */
#define PHPEEK_KEY_FLAG_EMPTY_IS_UNSET 0x4u

/* One declared key. An array of these is plugin-owned static storage; the descriptor says how
 * many there are and how big each is as compiled by the plugin (config_key_size), so that a later
 * minor may append members here: a host reads entry i at (const char*)config_keys + i *
 * config_key_size, and only the members both sides know (absent ones read as zero/NULL). */
typedef struct phpeek_config_key {
  const char* name;           /* top-level `global:` key: [a-z0-9_]+, at most 64 characters */
  const char* help;           /* required: one line, for check-config and the reference */
  int32_t type;               /* PHPEEK_KEY_STRING ... PHPEEK_KEY_OBJECT */
  uint32_t flags;             /* PHPEEK_KEY_FLAG_* */
  int64_t min;                /* with PHPEEK_KEY_FLAG_HAS_MIN; unit as in the table above */
  int64_t max;                /* with PHPEEK_KEY_FLAG_HAS_MAX */
  const char* default_value;  /* as written in the file ("9180", "64KiB", "5s"; a LIST as "a,b");
                                 NULL = no default: the key is absent unless set */
  const char* const* allowed; /* ENUM: NULL-terminated list of the allowed words; else NULL */
} phpeek_config_key;

/* The size of phpeek_config_key in 1.1, the first minor that has it: the smallest
 * config_key_size a host accepts. */
#define PHPEEK_CONFIG_KEY_V1_1_SIZE \
  (offsetof(phpeek_config_key, allowed) + sizeof(const char* const*))

/* Diagnostics a plugin reports about the configuration (validate_config). */
#define PHPEEK_SEVERITY_WARNING \
  1                             /* works, but is risky or surprising: check-config --strict fails */
#define PHPEEK_SEVERITY_ERROR 2 /* the daemon refuses to start with this configuration */

typedef struct phpeek_diagnostic {
  uint32_t struct_size; /* sizeof(phpeek_diagnostic) as compiled by the plugin */
  int32_t severity;     /* PHPEEK_SEVERITY_*; anything else counts as an error */
  const char* key;      /* the top-level `global:` key it is about ("" or NULL: the block); the
                           host shows it at that key's line and column */
  const char* message;  /* required; what is wrong (at most 1024 bytes are kept) */
  const char* hint;     /* may be NULL: how to fix it */
} phpeek_diagnostic;

/* Caller-owned (the host's): report() copies what it needs before it returns. */
typedef struct phpeek_diagnostic_sink {
  void* ctx;
  void (*report)(void* ctx, const phpeek_diagnostic* d);
} phpeek_diagnostic_sink;

/* The configuration in the normal form, for validate_config, which runs without a host context.
 * get_json and get_string behave as config_get_json and config_get_string do. Host-owned, valid
 * for the duration of the call. */
typedef struct phpeek_config_view {
  uint32_t struct_size;
  void* ctx;
  const char* json; /* {"schema":1,"global":{...}}, as init's config_json; not NUL-terminated */
  size_t json_len;
  int32_t (*get_json)(void* ctx, const char* pointer, phpeek_sink* out, phpeek_sink* err);
  int32_t (*get_string)(void* ctx, const char* pointer, phpeek_sink* out, phpeek_sink* err);
} phpeek_config_view;

/* ---- Plugin descriptor (plugin-owned, static) ------------------------------------------------ */
typedef struct phpeek_plugin_api_v1 {
  uint32_t struct_size;    /* sizeof(phpeek_plugin_api_v1) as compiled by the plugin */
  uint32_t abi_major;      /* PHPEEK_ABI_MAJOR */
  uint32_t abi_minor;      /* PHPEEK_ABI_MINOR the plugin was built against */
  uint32_t min_host_minor; /* oldest host minor it works with; normally == abi_minor */
  const char* name;        /* required; equals the name it is loaded by ([a-z0-9][a-z0-9_.-]*) */
  const char* version;     /* required; the plugin's own version, free form */
  const char* description; /* optional */

  /* Required. Creates the instance. `api` and `host` stay valid until destroy returns.
   * `config_json` is {"schema":1,"global":{...the global: block...}}, in the normal form
   * (CONFIGURATION above). On failure return a PHPEEK_E_* code and write the reason to `err`; the
   * host then does not call stop/destroy. */
  int32_t (*init)(const phpeek_host_api_v1* api, phpeek_host* host, const char* config_json,
                  size_t config_len, void** out_self, phpeek_sink* err);
  /* Required. Starts work (threads, sockets). On failure the host calls destroy (not stop). */
  int32_t (*start)(void* self, phpeek_sink* err);
  /* Required. Returns only after every plugin thread has stopped and been joined. */
  int32_t (*stop)(void* self);
  /* Required. Frees the instance. */
  void (*destroy)(void* self);

  /* Optional (NULL allowed): writes a JSON object describing the plugin's health to out_json. */
  int32_t (*health)(void* self, phpeek_sink* out_json);
  /* Optional (NULL allowed): NULL-terminated array of top-level `global:` keys this plugin reads,
   * beyond the keys the core knows, so that they are not reported as unknown. Static storage.
   * Such keys are not checked and reach the plugin as written; since 1.1, config_keys declares
   * them with a type instead (a key in both is typed). */
  const char* const* global_keys;

  /* ---- 1.1 (a 1.0 host ignores these: it reports typed keys as unknown and passes them as
   * written; a plugin that needs the normal form sets min_host_minor = 1) ---- */

  /* Optional (NULL allowed): the `global:` keys this plugin reads, typed (CONFIGURATION above).
   * config_key_count entries of config_key_size bytes each (sizeof(phpeek_config_key) as
   * compiled; at most 256 entries). Static storage. */
  const phpeek_config_key* config_keys;
  uint32_t config_key_count;
  uint32_t config_key_size;

  /* Optional (NULL allowed): rules that involve more than one key, or more than a type can say
   * (e.g. "a token is needed when listening beyond loopback"). Called on the daemon's main thread
   * (at a reload: on a host thread, never two at once) with every key in the normal form, after
   * the host checked the declared keys (not when one of this plugin's keys is invalid), before
   * init: also by check-config and --dry-run, which never call init. No host context exists yet:
   * use only `config` and `report`, start no thread, keep no pointer. Report each problem through
   * `report` (at most 64 are kept), positioned at the key it names; return PHPEEK_OK, or another
   * code (reported as an error) when it cannot check. */
  int32_t (*validate_config)(const phpeek_config_view* config, phpeek_diagnostic_sink* report);
} phpeek_plugin_api_v1;

/* The size of the 1.0 descriptor: the smallest struct_size a host accepts. */
#define PHPEEK_PLUGIN_API_V1_0_SIZE \
  (offsetof(phpeek_plugin_api_v1, global_keys) + sizeof(const char* const*))

/* The one symbol a plugin exports. Return a pointer to a static descriptor, or NULL to decline
 * this host (e.g. host_minor too old for a plugin without a fallback). */
#define PHPEEK_PLUGIN_ENTRY_V1_NAME "phpeek_plugin_entry_v1"
typedef const phpeek_plugin_api_v1* (*phpeek_plugin_entry_v1_fn)(uint32_t host_major,
                                                                 uint32_t host_minor);

#if defined(__GNUC__)
#define PHPEEK_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PHPEEK_PLUGIN_EXPORT
#endif

PHPEEK_PLUGIN_EXPORT const phpeek_plugin_api_v1* phpeek_plugin_entry_v1(uint32_t host_major,
                                                                        uint32_t host_minor);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PHPEEK_PLUGIN_ABI_H */
