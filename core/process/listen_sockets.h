// The listening sockets the daemon holds for a process with `listen:`. They are opened before the
// first spawn and passed to every run as its descriptors 3, 4, ... (in the order of `listen:`),
// and stay open in the daemon between runs: during a restart the kernel queues new connections
// on them for the next run to accept, where a program that binds its own port refuses them until
// it has started again. php-fpm adopts them by address through $FPM_SOCKETS (FpmSockets()).
#pragma once

#include <string>
#include <vector>

#include "core/config/config.h"

namespace phpeek::process {

class ListenSockets {
 public:
  ListenSockets() = default;
  ~ListenSockets() { Close(); }
  ListenSockets(const ListenSockets&) = delete;
  ListenSockets& operator=(const ListenSockets&) = delete;

  // Makes the held set `addresses`: a socket already open for an address is kept, the others are
  // opened (SO_REUSEADDR, bound, listening, blocking, close-on-exec in the daemon), and those no
  // longer listed are closed. On failure nothing changes and `err` names the address and the
  // errno text ("listen 127.0.0.1:9000: Address already in use").
  bool Sync(const std::vector<config::ListenAddress>& addresses, std::string* err);
  void Close();
  bool empty() const { return held_.empty(); }
  // The descriptors, in the order of `listen:`.
  std::vector<int> fds() const;
  // php-fpm's inheritance variable for them as the child's 3, 4, ...: "127.0.0.1:9000=3,::1:9001=4"
  // (its key is the bound address as inet_ntop writes it, then ':' and the port).
  std::string FpmSockets() const;

 private:
  struct Held {
    config::ListenAddress address;
    int fd = -1;
    std::string key;  // FPM_SOCKETS key
  };
  std::vector<Held> held_;
};

}  // namespace phpeek::process
