// `phpeek-pm plugin-host --parent PID` (hidden; started by the daemon only, never by hand): runs
// one plugin with `isolation: process` in a process of its own. The daemon's end of a socket pair
// is descriptor 3 (protocol.h). The helper loads the plugin's unchanged library as the daemon does
// (dlopen, entry, handshake), runs init and start with the forwarding services table, answers
// kStart, then waits for kStop: drains its events, calls stop and destroy, answers and exits 0.
// It dies with the daemon (PR_SET_PDEATHSIG) and when the daemon closes the link; a crash of the
// plugin ends it with the crash's signal, which the daemon reports and recovers from.
#pragma once

namespace phpeek::plugin_isolation {

int RunPluginHostHelper(int argc, char** argv);

}  // namespace phpeek::plugin_isolation
