#include "plugins/common/http/percent_decoding.h"

namespace phpeek::http {

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view raw, std::string* out, std::string* err) {
  out->clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out->push_back(raw[i]);
      continue;
    }
    if (i + 2 >= raw.size()) {
      *err = "invalid percent-encoding ";
      return false;
    }
    const int h = HexDigitValue(raw[i + 1]);
    const int l = HexDigitValue(raw[i + 2]);
    if (h < 0 || l < 0) {
      *err = "invalid percent-encoding ";
      return false;
    }
    const char c = static_cast<char>(h * 16 + l);
    if (c == '/' || c == '\0') {
      *err = "the path contains an encoded '/' or NUL";
      return false;
    }
    out->push_back(c);
    i += 2;
  }
  return true;
}

}  // namespace phpeek::http
