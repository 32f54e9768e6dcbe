/* A plugin built against the frozen 1.0 header (frozen/v1.0), never against today's sdk/. It must
 * keep loading and working in every 1.x host. It records what it sees to the file named by the
 * `recorder_file` global key, one line per fact, so that a test can check each host service:
 *   config <value of /recorder_tag>
 *   list <process_list JSON>
 *   control-missing <status name>      (a START of a process that does not exist)
 *   event <seq> <type> <process> <instance> <old>-><new> pid=<pid> code=<exit> sig=<signal>
 *   stop */
#include <phpeek/plugin_abi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const phpeek_host_api_v1* api;
  phpeek_host* host;
  FILE* out;
} recorder;

typedef struct {
  char data[8192];
  size_t len;
} buffer;

static void Append(void* ctx, const char* data, size_t len) {
  buffer* b = (buffer*)ctx;
  if (b->len + len >= sizeof b->data) len = sizeof b->data - 1 - b->len;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

static void OnEvent(void* user, const phpeek_event* ev) {
  recorder* r = (recorder*)user;
  fprintf(r->out, "event %llu %u %s %s %d->%d pid=%d code=%d sig=%d\n", (unsigned long long)ev->seq,
          ev->type, ev->process, ev->instance, ev->old_state, ev->new_state, ev->pid, ev->exit_code,
          ev->signal);
  fflush(r->out);
}

static int32_t Init(const phpeek_host_api_v1* api, phpeek_host* host, const char* config,
                    size_t len, void** out_self, phpeek_sink* err) {
  buffer path = {"", 0};
  phpeek_sink sink = {&path, Append};
  recorder* r;
  (void)config;
  (void)len;
  if (api->config_get_string(host, "/recorder_file", &sink, err) != PHPEEK_OK) {
    return PHPEEK_E_INVALID_ARGUMENT;
  }
  r = (recorder*)calloc(1, sizeof *r);
  if (r == NULL) return PHPEEK_E_INTERNAL;
  r->api = api;
  r->host = host;
  r->out = fopen(path.data, "w");
  if (r->out == NULL) {
    free(r);
    return PHPEEK_E_INVALID_ARGUMENT;
  }
  *out_self = r;
  return PHPEEK_OK;
}

static int32_t Start(void* self, phpeek_sink* err) {
  recorder* r = (recorder*)self;
  buffer b = {"", 0};
  phpeek_sink sink = {&b, Append};
  int32_t status;
  if (r->api->config_get_string(r->host, "/recorder_tag", &sink, NULL) == PHPEEK_OK) {
    fprintf(r->out, "config %s\n", b.data);
  }
  b.len = 0;
  b.data[0] = '\0';
  if (r->api->process_list(r->host, &sink, NULL) == PHPEEK_OK) fprintf(r->out, "list %s\n", b.data);
  status = r->api->process_control(r->host, PHPEEK_OP_START, "no-such-process", 0, 0, NULL);
  fprintf(r->out, "control-missing %s\n", r->api->status_name(status));
  fflush(r->out);
  return r->api->subscribe(r->host, PHPEEK_EVENT_MASK_ALL, OnEvent, r, NULL) == PHPEEK_OK
             ? PHPEEK_OK
             : (err->write(err->ctx, "subscribe failed", 16), PHPEEK_E_INTERNAL);
}

static int32_t Stop(void* self) {
  recorder* r = (recorder*)self;
  fprintf(r->out, "stop\n");
  fflush(r->out);
  return PHPEEK_OK;
}

static void Destroy(void* self) {
  recorder* r = (recorder*)self;
  fclose(r->out);
  free(r);
}

static const char* const kKeys[] = {"recorder_file", "recorder_tag", NULL};

static const phpeek_plugin_api_v1 kDescriptor = {sizeof(phpeek_plugin_api_v1),
                                                 1,
                                                 0,
                                                 0,
                                                 "old-recorder",
                                                 "1.0.0",
                                                 "records host services as a 1.0 plugin sees them",
                                                 Init,
                                                 Start,
                                                 Stop,
                                                 Destroy,
                                                 NULL,
                                                 kKeys};

const phpeek_plugin_api_v1* phpeek_plugin_entry_v1(uint32_t host_major, uint32_t host_minor) {
  (void)host_major;
  (void)host_minor;
  return &kDescriptor;
}
