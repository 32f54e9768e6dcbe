#include "core/config/substitution.h"

#include <algorithm>
#include <cctype>
#include <vector>

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

// Expands the `${...}` body (without braces). An unset variable without default is added to
// `unset` (the caller reports them all at once).
bool ExpandReference(const std::string& body, const std::map<std::string, std::string>& env,
                     std::string* out, std::vector<std::string>* unset, std::string* err) {
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
    if (std::find(unset->begin(), unset->end(), name) == unset->end()) unset->push_back(name);
    return true;
  }
  out->append(it->second);
  return true;
}

}  // namespace

bool Substitute(const std::string& text, const std::map<std::string, std::string>& env,
                std::string* out, std::string* err) {
  out->clear();
  std::vector<std::string> unset;
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
    if (!ExpandReference(text.substr(i + 2, close - i - 2), env, out, &unset, err)) return false;
    i = close;
  }
  if (unset.empty()) return true;
  std::string names;
  for (size_t i = 0; i < unset.size(); ++i) {
    names += (i == 0 ? "" : i + 1 == unset.size() ? " and " : ", ") + unset[i];
  }
  *err = unset.size() == 1 ? "environment variable " + names + " is not set"
                           : "environment variables " + names + " are not set";
  return false;
}

bool NeedsSubstitution(const std::string& text) { return text.find('$') != std::string::npos; }

}  // namespace phpeek::config
