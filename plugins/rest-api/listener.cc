#include "plugins/rest-api/listener.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "Poco/Exception.h"
#include "Poco/Net/SocketAddress.h"

namespace phpeek::rest {
namespace {

constexpr int kBacklog = 128;

// True when something accepts connections on the Unix socket at `path`.
bool UnixSocketInUse(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return connected;
}

bool RemoveStaleSocket(const std::string& path, std::string* err) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return true;  // nothing there
  if (!S_ISSOCK(st.st_mode)) {
    *err = "api_socket " + path + " exists and is not a socket; remove it or choose another path";
    return false;
  }
  if (UnixSocketInUse(path)) {
    *err = "api_socket " + path + " is in use by another server (another phpeek-pm?)";
    return false;
  }
  if (::unlink(path.c_str()) != 0) {
    *err = "cannot remove the stale api_socket " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace

void SetCloseOnExec(int fd) {
  const int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

std::string HostPort(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool ListenTcp(const std::string& host, int port, Poco::Net::ServerSocket* out, std::string* err) {
  try {
    const Poco::Net::SocketAddress address(host, static_cast<Poco::UInt16>(port));
    Poco::Net::ServerSocket socket;
    socket.bind(address, /*reuseAddress=*/true, /*reusePort=*/false);
    SetCloseOnExec(socket.impl()->sockfd());
    socket.listen(kBacklog);
    socket.setBlocking(false);
    *out = socket;
    return true;
  } catch (const Poco::Exception& e) {
    if (e.code() == EADDRINUSE) {
      *err = "cannot listen on " + HostPort(host, port) +
             ": address in use (another phpeek-pm or another server listens there; change "
             "api_port or stop the other one)";
    } else {
      *err = "cannot listen on " + HostPort(host, port) + ": " + e.displayText();
    }
    return false;
  }
}

bool ListenUnix(const std::string& path, Poco::Net::ServerSocket* out, std::string* err) {
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    *err = "api_socket path is too long (" + std::to_string(path.size()) + " bytes, at most " +
           std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + "): " + path;
    return false;
  }
  if (!RemoveStaleSocket(path, err)) return false;
  try {
    const Poco::Net::SocketAddress address(Poco::Net::SocketAddress::UNIX_LOCAL, path);
    Poco::Net::ServerSocket socket;
    socket.bind(address, /*reuseAddress=*/false, /*reusePort=*/false);
    SetCloseOnExec(socket.impl()->sockfd());
    if (::chmod(path.c_str(), 0600) != 0) {
      *err = "cannot set mode 0600 on api_socket " + path + ": " + std::strerror(errno);
      ::unlink(path.c_str());
      return false;
    }
    socket.listen(kBacklog);
    socket.setBlocking(false);
    *out = socket;
    return true;
  } catch (const Poco::Exception& e) {
    *err = "cannot listen on api_socket " + path + ": " + e.displayText();
    return false;
  }
}

}  // namespace phpeek::rest
