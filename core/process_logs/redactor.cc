#include "core/process_logs/redactor.h"

#include <re2/re2.h>

namespace phpeek::process_logs {

std::string_view Redactor::Apply(std::string_view text, std::string* scratch) const {
  bool copied = false;
  for (const auto& rule : rules_) {
    const re2::RE2& re = *rule.pattern.re;
    if (!copied) {
      if (!re2::RE2::PartialMatch(text, re)) continue;
      scratch->assign(text);
      copied = true;
    }
    re2::RE2::GlobalReplace(scratch, re, rule.rewrite);
  }
  return copied ? std::string_view(*scratch) : text;
}

}  // namespace phpeek::process_logs
