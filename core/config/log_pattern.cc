#include "core/config/log_pattern.h"

#include <re2/re2.h>

#include <cctype>

namespace phpeek::config {
namespace {

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// The group number `name` refers to (a number or a group name), or -1 with `err` set.
int GroupNumber(const std::string& name, const re2::RE2& re, std::string* err) {
  int number = -1;
  if (AllDigits(name)) {
    number = name.size() > 3 ? 1000 : std::stoi(name);
    if (number > re.NumberOfCapturingGroups()) {
      *err = "replacement refers to group " + name + " but the pattern has " +
             std::to_string(re.NumberOfCapturingGroups()) + " group(s)";
      return -1;
    }
  } else {
    const auto& named = re.NamedCapturingGroups();
    const auto it = named.find(name);
    if (it == named.end()) {
      *err = "replacement refers to group '" + name + "' that the pattern does not name";
      return -1;
    }
    number = it->second;
  }
  if (number > 9) {
    *err = "replacement refers to group " + std::to_string(number) + ": at most 9 can be used";
    return -1;
  }
  return number;
}

}  // namespace

std::shared_ptr<const re2::RE2> CompileLogRegex(const std::string& text, bool captures,
                                                std::string* err) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(!captures);
  auto re = std::make_shared<const re2::RE2>(text, options);
  if (!re->ok()) {
    *err = re->error();
    return nullptr;
  }
  return re;
}

bool MatchesEmpty(const re2::RE2& re) { return re2::RE2::PartialMatch("", re); }

bool ReadLogPattern(Reader& r, const Node& node, const std::string& path, bool captures,
                    LogPattern* out) {
  std::string text, err;
  if (!r.Text(node, path, &text)) return false;
  if (text.empty()) {
    r.Error(node.pos, path, "the pattern must not be empty", "an empty pattern matches every line");
    return false;
  }
  auto re = CompileLogRegex(text, captures, &err);
  if (!re) {
    r.Error(node.pos, path, "invalid regular expression '" + text + "': " + err,
            "RE2 syntax (as Go's regexp): no backreferences or lookaround");
    return false;
  }
  *out = {text, node.pos, std::move(re)};
  return true;
}

bool TranslateReplacement(const std::string& replacement, const re2::RE2& re, std::string* rewrite,
                          std::string* err) {
  rewrite->clear();
  for (size_t i = 0; i < replacement.size(); ++i) {
    const char c = replacement[i];
    if (c == '\\') {
      rewrite->append("\\\\");
      continue;
    }
    if (c != '$' || i + 1 == replacement.size()) {
      rewrite->push_back(c);
      continue;
    }
    std::string name;
    size_t end = i + 1;
    if (replacement[end] == '$') {
      rewrite->push_back('$');
      ++i;
      continue;
    }
    if (replacement[end] == '{') {
      const size_t close = replacement.find('}', end);
      if (close == std::string::npos) {
        *err = "unterminated '${' in the replacement";
        return false;
      }
      name = replacement.substr(end + 1, close - end - 1);
      end = close + 1;
    } else {
      while (end < replacement.size() && IsNameChar(replacement[end])) ++end;
      name = replacement.substr(i + 1, end - i - 1);
    }
    if (name.empty()) {  // a `$` before anything else is itself
      rewrite->push_back('$');
      continue;
    }
    const int number = GroupNumber(name, re, err);
    if (number < 0) return false;
    rewrite->push_back('\\');
    rewrite->push_back(static_cast<char>('0' + number));
    i = end - 1;
  }
  return re.CheckRewriteString(*rewrite, err);
}

}  // namespace phpeek::config
