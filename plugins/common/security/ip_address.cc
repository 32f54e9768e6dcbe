#include "plugins/common/security/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace phpeek::security {
namespace {

constexpr int kV4MappedBits = 96;

bool ParseSecurityV4(const std::string& text, IpAddress* out) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  out->bytes = {};
  out->bytes[10] = out->bytes[11] = 0xff;
  std::memcpy(out->bytes.data() + 12, &a, 4);
  out->v4 = true;
  return true;
}

bool ParseSecurityV6(const std::string& text, IpAddress* out) {
  in6_addr a{};
  if (::inet_pton(AF_INET6, text.c_str(), &a) != 1) return false;
  std::memcpy(out->bytes.data(), &a, 16);
  out->v4 = false;
  return true;
}

bool HostBitsClear(const IpAddress& a, int prefix) {
  for (int bit = prefix; bit < 128; ++bit) {
    if (a.bytes[bit / 8] & (0x80 >> (bit % 8))) return false;
  }
  return true;
}

}  // namespace

bool IpNetwork::Contains(const IpAddress& address) const {
  const int whole = prefix / 8;
  if (std::memcmp(base.bytes.data(), address.bytes.data(), whole) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (base.bytes[whole] & mask) == (address.bytes[whole] & mask);
}

bool ParseIpAddress(std::string_view text, IpAddress* out) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    return ParseSecurityV6(std::string(text.substr(1, text.size() - 2)), out);
  }
  const std::string s(text);
  return ParseSecurityV4(s, out) || ParseSecurityV6(s, out);
}

bool ParseIpNetwork(std::string_view text, IpNetwork* out, std::string* why) {
  const size_t slash = text.find('/');
  if (!ParseIpAddress(text.substr(0, slash), &out->base)) {
    *why = "'" + std::string(text.substr(0, slash)) + "' is not an IPv4 or IPv6 address";
    return false;
  }
  const int max = out->base.v4 ? 32 : 128;
  int prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, prefix);
    if (digits.empty() || ec != std::errc() || ptr != end || prefix < 0 || prefix > max) {
      *why = "the prefix length after '/' must be a number from 0 to " + std::to_string(max);
      return false;
    }
  }
  out->prefix = out->base.v4 ? kV4MappedBits + prefix : prefix;
  if (!HostBitsClear(out->base, out->prefix)) {
    *why = "'" + std::string(text) + "' has bits set after its prefix (did you mean the network " +
           "address?)";
    return false;
  }
  return true;
}

std::string IpAddressText(const IpAddress& address) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (address.v4) {
    ::inet_ntop(AF_INET, address.bytes.data() + 12, buffer, sizeof(buffer));
  } else {
    ::inet_ntop(AF_INET6, address.bytes.data(), buffer, sizeof(buffer));
  }
  return buffer;
}

}  // namespace phpeek::security
