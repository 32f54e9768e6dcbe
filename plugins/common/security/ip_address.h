// IP addresses and networks (CIDR) for the access lists of the plugins' listeners
// (access_list.h): IPv4 and IPv6, parsed strictly with inet_pton (no names, no zone ids, no
// leading zeros in IPv4). An IPv4 address is kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d),
// so "10.0.0.0/8" also matches a client that reaches an IPv6 socket from 10.1.2.3.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace phpeek::security {

struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // network order; IPv4 as ::ffff:a.b.c.d
  bool v4 = false;                  // written as IPv4 (for messages)

  bool operator==(const IpAddress& other) const { return bytes == other.bytes; }
};

struct IpNetwork {
  IpAddress base;    // with the host bits cleared
  int prefix = 128;  // of the 128-bit form (an IPv4 /8 is /104 here)

  bool Contains(const IpAddress& address) const;
};

// "127.0.0.1", "::1", "[::1]", "::ffff:10.0.0.1". False for anything else.
bool ParseIpAddress(std::string_view text, IpAddress* out);

// An address ("10.0.0.1": one host) or a network ("10.0.0.0/8", "fd00::/8"). The host bits of a
// network must be zero ("10.0.0.1/8" is refused: it reads as a typo). False with the reason.
bool ParseIpNetwork(std::string_view text, IpNetwork* out, std::string* why);

// "127.0.0.1" or "::1".
std::string IpAddressText(const IpAddress& address);

}  // namespace phpeek::security
