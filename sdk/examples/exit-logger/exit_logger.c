/* exit-logger: one log line per process exit, written in plain C99 against the C ABI alone
 * (phpeek/plugin_abi.h). Configure it in phpeek-pm.yaml:
 *
 *   global:
 *     plugins: [/usr/lib/phpeek-pm/plugins/exit-logger.so]
 *     exit_logger_failures_only: true   # optional (default false): skip clean exits (code 0)
 *
 * and the daemon's log shows, tagged plugin=exit-logger:
 *
 *   worker-0 exited with code 3 (pid 4242)
 *   worker-1 was killed by signal 9 (pid 4243)
 *
 * It uses only 1.0 services, so it declares min_host_minor 0 and loads in any 1.x daemon. It
 * declares its key with a type (ABI 1.1): a 1.1 daemon checks it (check-config too, with "did you
 * mean" on a typo), accepts yes/no and on/off, and hands it over as true or false; a 1.0 daemon
 * passes it as written, which init checks itself. */
#include <phpeek/plugin_abi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct exit_logger {
  const phpeek_host_api_v1* api;
  phpeek_host* host;
  int failures_only;
  uint64_t subscription;
} exit_logger;

/* A sink into a small fixed buffer: enough for a config value; longer answers are cut. */
typedef struct small_text {
  char text[64];
  size_t len;
} small_text;

static void append_small(void* ctx, const char* data, size_t len) {
  small_text* t = (small_text*)ctx;
  size_t room = sizeof t->text - 1 - t->len;
  if (len > room) len = room;
  memcpy(t->text + t->len, data, len);
  t->len += len;
  t->text[t->len] = '\0';
}

static void write_text(phpeek_sink* sink, const char* text) {
  if (sink != NULL && sink->write != NULL) sink->write(sink->ctx, text, strlen(text));
}

static void log_text(const exit_logger* self, int32_t level, const char* text) {
  self->api->log(self->host, level, text, strlen(text));
}

/* Runs on the plugin's dispatch thread, one event at a time; returns quickly. */
static void on_event(void* user, const phpeek_event* ev) {
  const exit_logger* self = (const exit_logger*)user;
  char line[256];
  int32_t level = PHPEEK_LOG_WARN;
  if (ev->type != PHPEEK_EVENT_EXITED) return;
  if (ev->signal != 0) {
    snprintf(line, sizeof line, "%s was killed by signal %d (pid %d)", ev->instance,
             (int)ev->signal, (int)ev->pid);
  } else {
    if (ev->exit_code == 0 && self->failures_only) return;
    if (ev->exit_code == 0) level = PHPEEK_LOG_INFO;
    snprintf(line, sizeof line, "%s exited with code %d (pid %d)", ev->instance, (int)ev->exit_code,
             (int)ev->pid);
  }
  log_text(self, level, line);
  if (ev->dropped > 0) {
    snprintf(line, sizeof line, "%u earlier events were lost (the queue overflowed)",
             (unsigned)ev->dropped);
    log_text(self, PHPEEK_LOG_WARN, line);
  }
}

static int32_t logger_init(const phpeek_host_api_v1* api, phpeek_host* host,
                           const char* config_json, size_t config_len, void** out_self,
                           phpeek_sink* err) {
  small_text value = {{0}, 0};
  phpeek_sink out = {&value, append_small};
  exit_logger* self;
  int32_t code;
  (void)config_json;
  (void)config_len;
  /* Absent: the default. A boolean arrives as the text "true" or "false". */
  code = api->config_get_string(host, "/exit_logger_failures_only", &out, NULL);
  if (code != PHPEEK_OK && code != PHPEEK_E_NOT_FOUND) {
    write_text(err, "global.exit_logger_failures_only must be true or false");
    return PHPEEK_E_INVALID_ARGUMENT;
  }
  if (code == PHPEEK_OK && strcmp(value.text, "true") != 0 && strcmp(value.text, "false") != 0) {
    write_text(err, "global.exit_logger_failures_only must be true or false, not ");
    write_text(err, value.text);
    return PHPEEK_E_INVALID_ARGUMENT;
  }
  self = (exit_logger*)calloc(1, sizeof *self);
  if (self == NULL) {
    write_text(err, "out of memory");
    return PHPEEK_E_INTERNAL;
  }
  self->api = api;
  self->host = host;
  self->failures_only = code == PHPEEK_OK && strcmp(value.text, "true") == 0;
  *out_self = self;
  return PHPEEK_OK;
}

static int32_t logger_start(void* p, phpeek_sink* err) {
  exit_logger* self = (exit_logger*)p;
  const int32_t code = self->api->subscribe(self->host, PHPEEK_EVENT_MASK(PHPEEK_EVENT_EXITED),
                                            on_event, self, &self->subscription);
  if (code != PHPEEK_OK) {
    write_text(err, "cannot subscribe to exit events: ");
    write_text(err, self->api->status_name(code));
    return code;
  }
  log_text(self, PHPEEK_LOG_INFO,
           self->failures_only ? "logging failed exits" : "logging every exit");
  return PHPEEK_OK;
}

/* No thread of our own to join; ending the subscription means on_event never runs again. */
static int32_t logger_stop(void* p) {
  exit_logger* self = (exit_logger*)p;
  (void)self->api->unsubscribe(self->host, self->subscription);
  return PHPEEK_OK;
}

static void logger_destroy(void* p) { free(p); }

static const phpeek_config_key config_keys[] = {
    {"exit_logger_failures_only", "Log only failed exits (code other than 0, or a signal)",
     PHPEEK_KEY_BOOL, 0, 0, 0, "false", NULL},
};

/* Members not named here (those of later minors) are zero: absent. */
static const phpeek_plugin_api_v1 descriptor = {
    .struct_size = sizeof(phpeek_plugin_api_v1),
    .abi_major = PHPEEK_ABI_MAJOR,
    .abi_minor = PHPEEK_ABI_MINOR,
    .min_host_minor = 0, /* nothing newer than 1.0 is used */
    .name = "exit-logger",
    .version = "1.0.0",
    .description = "Logs one line per process exit",
    .init = logger_init,
    .start = logger_start,
    .stop = logger_stop,
    .destroy = logger_destroy,
    .config_keys = config_keys,
    .config_key_count = sizeof config_keys / sizeof config_keys[0],
    .config_key_size = sizeof(phpeek_config_key),
};

const phpeek_plugin_api_v1* phpeek_plugin_entry_v1(uint32_t host_major, uint32_t host_minor) {
  (void)host_major;
  (void)host_minor;
  return &descriptor;
}
