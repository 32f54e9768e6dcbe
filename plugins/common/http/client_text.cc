#include "plugins/common/http/client_text.h"

namespace phpeek::http {

std::string Printable(std::string_view text, size_t max) {
  std::string out;
  for (const char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7F ? c : '?');
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace phpeek::http
