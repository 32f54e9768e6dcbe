// A process's `listen:` list: TCP addresses whose sockets the daemon opens and holds for the
// process (core/process/listen_sockets.h). Numeric hosts only, so that the socket the daemon binds
// is the one the program names in its own configuration (php-fpm matches inherited sockets by
// their address text), with no lookup at start time.
#include <algorithm>

#include "core/config/probe_target.h"
#include "core/config/sections.h"

namespace phpeek::config {
void ReadListen(Reader& r, const Node& node, const std::string& path,
                std::vector<ListenAddress>* out) {
  std::vector<std::string> texts;
  std::vector<SourcePos> positions;
  r.StringList(node, path, &texts, &positions);
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string item = ItemPath(path, i);
    ProbeEndpoint endpoint;
    std::string err;
    if (!ParseTcpAddress(texts[i], &endpoint, &err)) {
      r.Error(positions[i], item, err, "write \"127.0.0.1:9000\" or \"[::1]:9000\"");
      continue;
    }
    if (!IsNumericHost(endpoint.host)) {
      r.Error(positions[i], item,
              "'" + texts[i] + "': the host must be a numeric IP address, not a name",
              "write the address the program listens on, e.g. 127.0.0.1:9000 or 0.0.0.0:9000");
      continue;
    }
    ListenAddress a{endpoint.host, endpoint.port, positions[i]};
    if (std::find(out->begin(), out->end(), a) != out->end()) {
      r.Error(positions[i], item, "'" + texts[i] + "' is listed twice", "list it once");
      continue;
    }
    out->push_back(std::move(a));
  }
}

}  // namespace phpeek::config
