#include "core/config/process_name.h"

namespace phpeek::config {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

bool IsValidProcessName(std::string_view name) {
  if (name.empty() || name.size() > kMaxProcessNameLength || !IsAlnum(name[0])) return false;
  for (const char c : name) {
    if (!IsAlnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace phpeek::config
