#include "plugins/common/http/message.h"

namespace phpeek::http {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// True when `target` starts with an http or https scheme and "://" (case-insensitive).
size_t SchemeLength(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && EqualsIgnoreCase(target.substr(0, scheme.size()), scheme))
      return scheme.size();
  }
  return 0;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

const std::string* HttpRequest::Field(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (EqualsIgnoreCase(field, name)) return &value;
  }
  return nullptr;
}

std::string_view TargetPath(std::string_view target) {
  if (const size_t scheme = SchemeLength(target); scheme > 0) {
    const size_t path = target.find_first_of("/?#", scheme);
    if (path == std::string_view::npos || target[path] != '/') return "/";
    target.remove_prefix(path);
  }
  if (target.empty() || target.front() != '/') return "";
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace phpeek::http
