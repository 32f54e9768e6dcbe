#include "core/config/substitution.h"

#include <cctype>

namespace phpeek::config {
namespace {

bool IsValidName(const std::string& name) {
  if (name.empty()) return false;
  if (std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// Expands the `${...}` body (without braces).
bool ExpandReference(const std::string& body, const std::map<std::string, std::string>& env,
                     std::string* out, std::string* err) {
  const size_t sep = body.find(":-");
  const std::string name = body.substr(0, sep);
  if (!IsValidName(name)) {
    *err = "'${" + body + "}' is not a valid variable reference";
    return false;
  }
  const auto it = env.find(name);
  if (sep != std::string::npos) {
    const bool use_default = it == env.end() || it->second.empty();
    out->append(use_default ? body.substr(sep + 2) : it->second);
    return true;
  }
  if (it == env.end()) {
    *err = "environment variable " + name + " is not set";
    return false;
  }
  out->append(it->second);
  return true;
}

}  // namespace

bool Substitute(const std::string& text, const std::map<std::string, std::string>& env,
                std::string* out, std::string* err) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out->push_back(text[i]);
      continue;
    }
    if (text[i + 1] == '$') {
      out->push_back('$');
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out->push_back('$');
      continue;
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      *err = "unterminated '${' (missing '}')";
      return false;
    }
    if (!ExpandReference(text.substr(i + 2, close - i - 2), env, out, err)) return false;
    i = close;
  }
  return true;
}

bool NeedsSubstitution(const std::string& text) { return text.find('$') != std::string::npos; }

}  // namespace phpeek::config
