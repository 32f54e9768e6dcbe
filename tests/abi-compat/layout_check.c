/* Compiled as C11 (for _Static_assert) against today's header: the layout of every public struct
 * on LP64, as released in 1.0, then what each later minor appended. A minor may only add members
 * after these; if any assertion fails, the change broke the ABI. The executable also checks
 * PHPEEK_PLUGIN_API_V1_0_SIZE at run time. */
#include <phpeek/plugin_abi.h>
#include <stddef.h>
#include <stdio.h>

#define AT(type, member, off) _Static_assert(offsetof(type, member) == (off), #type "." #member)

_Static_assert(sizeof(void*) == 8, "layout table below is for LP64");

AT(phpeek_sink, ctx, 0);
AT(phpeek_sink, write, 8);
_Static_assert(sizeof(phpeek_sink) == 16, "phpeek_sink size");

AT(phpeek_event, struct_size, 0);
AT(phpeek_event, type, 4);
AT(phpeek_event, seq, 8);
AT(phpeek_event, unix_ms, 16);
AT(phpeek_event, process, 24);
AT(phpeek_event, instance, 32);
AT(phpeek_event, pid, 40);
AT(phpeek_event, exit_code, 44);
AT(phpeek_event, signal, 48);
AT(phpeek_event, old_state, 52);
AT(phpeek_event, new_state, 56);
AT(phpeek_event, dropped, 60);
AT(phpeek_event, detail_json, 64);
_Static_assert(sizeof(phpeek_event) >= 72, "phpeek_event 1.0 size");

AT(phpeek_host_api_v1, struct_size, 0);
AT(phpeek_host_api_v1, abi_major, 4);
AT(phpeek_host_api_v1, abi_minor, 8);
AT(phpeek_host_api_v1, host_version, 16);
AT(phpeek_host_api_v1, log, 24);
AT(phpeek_host_api_v1, config_get_json, 32);
AT(phpeek_host_api_v1, config_get_string, 40);
AT(phpeek_host_api_v1, process_list, 48);
AT(phpeek_host_api_v1, process_get, 56);
AT(phpeek_host_api_v1, process_control, 64);
AT(phpeek_host_api_v1, subscribe, 72);
AT(phpeek_host_api_v1, unsubscribe, 80);
AT(phpeek_host_api_v1, status_name, 88);
_Static_assert(sizeof(phpeek_host_api_v1) >= 96, "phpeek_host_api_v1 1.0 size");
/* 1.1 */
AT(phpeek_host_api_v1, daemon_status, 96);
AT(phpeek_host_api_v1, job_get, 104);
AT(phpeek_host_api_v1, job_history, 112);
AT(phpeek_host_api_v1, job_control, 120);
AT(phpeek_host_api_v1, job_wait, 128);
AT(phpeek_host_api_v1, config_reload, 136);
AT(phpeek_host_api_v1, log_read, 144);
AT(phpeek_host_api_v1, log_follow, 152);
AT(phpeek_host_api_v1, log_next, 160);
AT(phpeek_host_api_v1, log_unfollow, 168);
_Static_assert(sizeof(phpeek_host_api_v1) >= 176, "phpeek_host_api_v1 1.1 size");

AT(phpeek_plugin_api_v1, struct_size, 0);
AT(phpeek_plugin_api_v1, abi_major, 4);
AT(phpeek_plugin_api_v1, abi_minor, 8);
AT(phpeek_plugin_api_v1, min_host_minor, 12);
AT(phpeek_plugin_api_v1, name, 16);
AT(phpeek_plugin_api_v1, version, 24);
AT(phpeek_plugin_api_v1, description, 32);
AT(phpeek_plugin_api_v1, init, 40);
AT(phpeek_plugin_api_v1, start, 48);
AT(phpeek_plugin_api_v1, stop, 56);
AT(phpeek_plugin_api_v1, destroy, 64);
AT(phpeek_plugin_api_v1, health, 72);
AT(phpeek_plugin_api_v1, global_keys, 80);
_Static_assert(sizeof(phpeek_plugin_api_v1) >= 88, "phpeek_plugin_api_v1 1.0 size");
/* 1.1: the typed key schema and the configuration check, appended. */
AT(phpeek_plugin_api_v1, config_keys, 88);
AT(phpeek_plugin_api_v1, config_key_count, 96);
AT(phpeek_plugin_api_v1, config_key_size, 100);
AT(phpeek_plugin_api_v1, validate_config, 104);
_Static_assert(sizeof(phpeek_plugin_api_v1) >= 112, "phpeek_plugin_api_v1 1.1 size");

/* 1.1 types. phpeek_config_key entries are read by config_key_size, so later minors may append. */
AT(phpeek_config_key, name, 0);
AT(phpeek_config_key, help, 8);
AT(phpeek_config_key, type, 16);
AT(phpeek_config_key, flags, 20);
AT(phpeek_config_key, min, 24);
AT(phpeek_config_key, max, 32);
AT(phpeek_config_key, default_value, 40);
AT(phpeek_config_key, allowed, 48);
_Static_assert(PHPEEK_CONFIG_KEY_V1_1_SIZE == 56, "phpeek_config_key 1.1 size");
AT(phpeek_diagnostic, struct_size, 0);
AT(phpeek_diagnostic, severity, 4);
AT(phpeek_diagnostic, key, 8);
AT(phpeek_diagnostic, message, 16);
AT(phpeek_diagnostic, hint, 24);
AT(phpeek_diagnostic_sink, ctx, 0);
AT(phpeek_diagnostic_sink, report, 8);
AT(phpeek_config_view, struct_size, 0);
AT(phpeek_config_view, ctx, 8);
AT(phpeek_config_view, json, 16);
AT(phpeek_config_view, json_len, 24);
AT(phpeek_config_view, get_json, 32);
AT(phpeek_config_view, get_string, 40);
_Static_assert(PHPEEK_KEY_STRING == 1 && PHPEEK_KEY_INT == 2 && PHPEEK_KEY_BOOL == 3 &&
                   PHPEEK_KEY_DURATION == 4 && PHPEEK_KEY_BYTES == 5 && PHPEEK_KEY_ADDRESS == 6 &&
                   PHPEEK_KEY_PATH == 7 && PHPEEK_KEY_ENUM == 8 && PHPEEK_KEY_LIST == 9 &&
                   PHPEEK_KEY_OBJECT == 10,
               "key types");
_Static_assert(PHPEEK_KEY_FLAG_HAS_MIN == 1 && PHPEEK_KEY_FLAG_HAS_MAX == 2 &&
                   PHPEEK_KEY_FLAG_EMPTY_IS_UNSET == 4 && PHPEEK_SEVERITY_WARNING == 1 &&
                   PHPEEK_SEVERITY_ERROR == 2,
               "key flags and severities");

/* Values are fixed forever. */
_Static_assert(PHPEEK_OK == 0 && PHPEEK_E_INVALID_ARGUMENT == 1 && PHPEEK_E_NOT_FOUND == 2 &&
                   PHPEEK_E_STATE == 3 && PHPEEK_E_UNSUPPORTED == 4 && PHPEEK_E_TIMEOUT == 5 &&
                   PHPEEK_E_WOULD_BLOCK == 6 && PHPEEK_E_STOPPING == 7 && PHPEEK_E_TYPE == 8 &&
                   PHPEEK_E_DENIED == 9 && PHPEEK_E_VERSION == 10 && PHPEEK_E_INTERNAL == 99,
               "status codes");
_Static_assert(PHPEEK_OP_START == 1 && PHPEEK_OP_STOP == 2 && PHPEEK_OP_RESTART == 3 &&
                   PHPEEK_OP_SCALE == 4,
               "control ops");
_Static_assert(PHPEEK_EVENT_STATE_CHANGED == 1 && PHPEEK_EVENT_SPAWNED == 2 &&
                   PHPEEK_EVENT_EXITED == 3 && PHPEEK_EVENT_CONFIG_RELOADED == 4 &&
                   PHPEEK_EVENT_SHUTTING_DOWN == 5,
               "event types");
/* 1.1 */
_Static_assert(PHPEEK_EVENT_HEALTH_CHANGED == 6 && PHPEEK_EVENT_HOOK_FINISHED == 7 &&
                   PHPEEK_EVENT_JOB_RUN_STARTED == 8 && PHPEEK_EVENT_JOB_RUN_FINISHED == 9 &&
                   PHPEEK_EVENT_DEPENDENCY_BLOCKED == 10,
               "event types 1.1");
_Static_assert(PHPEEK_STATE_UNKNOWN == 0 && PHPEEK_STATE_STARTING == 1 &&
                   PHPEEK_STATE_RUNNING == 2 && PHPEEK_STATE_BACKOFF == 3 &&
                   PHPEEK_STATE_STOPPING == 4 && PHPEEK_STATE_STOPPED == 5 &&
                   PHPEEK_STATE_FAILED == 6 && PHPEEK_STATE_COMPLETED == 7 &&
                   PHPEEK_STATE_DEGRADED == 8,
               "state codes");
_Static_assert(PHPEEK_STATE_SUSPENDED == 9 && PHPEEK_STATE_BLOCKED == 10, "state codes 1.1");
_Static_assert(PHPEEK_HEALTH_UNKNOWN == 0 && PHPEEK_HEALTH_HEALTHY == 1 &&
                   PHPEEK_HEALTH_UNHEALTHY == 2,
               "health codes");
_Static_assert(PHPEEK_JOB_OP_PAUSE == 1 && PHPEEK_JOB_OP_RESUME == 2 && PHPEEK_JOB_OP_TRIGGER == 3,
               "job ops");
_Static_assert(PHPEEK_ABI_MAJOR == 1, "this table is for ABI major 1");
_Static_assert(PHPEEK_ABI_AT_LEAST(1, 0) && PHPEEK_ABI_AT_LEAST(1, 1) && !PHPEEK_ABI_AT_LEAST(2, 0),
               "PHPEEK_ABI_AT_LEAST");

int main(void) {
  if (PHPEEK_PLUGIN_API_V1_0_SIZE != 88) {
    fprintf(stderr, "PHPEEK_PLUGIN_API_V1_0_SIZE is %zu, expected 88\n",
            (size_t)PHPEEK_PLUGIN_API_V1_0_SIZE);
    return 1;
  }
  puts("plugin ABI 1.0 and 1.1 layout ok");
  return 0;
}
