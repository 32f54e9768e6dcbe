/* The header must compile as strict C99 with every warning as an error (see CMakeLists.txt),
 * its inline helpers included. */
#include <phpeek/plugin_abi.h>

int phpeek_c99_check(void);
int phpeek_c99_check(void) {
  return (int)sizeof(phpeek_plugin_api_v1) + (int)phpeek_state_name(PHPEEK_STATE_RUNNING)[0] +
         (int)phpeek_event_type_name(PHPEEK_EVENT_EXITED)[0];
}
