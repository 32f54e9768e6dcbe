/* The header must compile as strict C99 with every warning as an error (see CMakeLists.txt). */
#include <phpeek/plugin_abi.h>

int phpeek_c99_check(void);
int phpeek_c99_check(void) { return (int)sizeof(phpeek_plugin_api_v1); }
