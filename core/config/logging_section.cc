// `processes.<name>.logging`: every key of the original's block, each checked with its position;
// every regular expression compiled once here (log_pattern.cc).
#include "core/config/logging_section.h"

#include <algorithm>
#include <cctype>

#include "core/config/log_pattern.h"
#include "core/config/logging_spec.h"

namespace phpeek::config {
namespace {

using P = const std::string&;

constexpr int kMaxMultilineLines = 10000;

// As the original: "warning" as well as "warn", in any case ("ERROR" too).
bool ReadLevel(Reader& r, const Node& v, P p, LogLevel* out) {
  static const std::vector<std::pair<std::string, LogLevel>> kLevels = {
      {"debug", LogLevel::kDebug},
      {"info", LogLevel::kInfo},
      {"warn", LogLevel::kWarn},
      {"warning", LogLevel::kWarn},
      {"error", LogLevel::kError}};
  std::string text;
  if (!v.IsScalar()) return r.Choice<LogLevel>(v, p, kLevels, out);  // reports the kind
  if (!r.Text(v, p, &text)) return false;
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [name, level] : kLevels) {
    if (name == text) {
      *out = level;
      return true;
    }
  }
  return r.Choice<LogLevel>(v, p, kLevels, out);  // reports the value, with the closest name
}

bool ValidLabelName(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

void ReadLabels(Reader& r, const Node& node, P path, LoggingSpec* out) {
  r.Map(node, path, {}, {}, [&](const MapEntry& e, const std::string&) {
    const std::string p = JoinPath(path, e.key);
    if (!ValidLabelName(e.key)) {
      r.Error(e.key_pos, p, "'" + e.key + "' is not a valid label name",
              "letters, digits, '_', '.' and '-'");
      return;
    }
    std::string value;
    if (e.value->IsNull() || r.Text(*e.value, p, &value)) out->labels.emplace_back(e.key, value);
  });
}

// A list of patterns, each reported at its own position.
void ReadPatternList(Reader& r, const Node& node, P path, std::vector<LogPattern>* out) {
  if (node.IsNull()) return;
  if (!node.IsSequence()) {
    r.Error(node.pos, path, std::string("expected a list of patterns, got ") + DescribeKind(node),
            "write [\"pattern\", ...] or one '- pattern' per line");
    return;
  }
  for (size_t i = 0; i < node.items.size(); ++i) {
    LogPattern pattern;
    if (ReadLogPattern(r, *node.items[i], ItemPath(path, i), false, &pattern)) {
      out->push_back(std::move(pattern));
    }
  }
}

void ReadRedactionRule(Reader& r, const Node& node, P path, LoggingSpec* out) {
  RedactionRule rule;
  bool has_pattern = false;
  const Node* replacement = nullptr;
  r.Map(node, path,
        {
            {"name", [&](const Node& v, P p) { r.Text(v, p, &rule.name); }},
            {"pattern",
             [&](const Node& v, P p) {
               has_pattern = true;
               if (!ReadLogPattern(r, v, p, true, &rule.pattern)) rule.pattern.re = nullptr;
             }},
            {"replacement",
             [&](const Node& v, P p) {
               if (r.Text(v, p, &rule.replacement)) replacement = &v;
             }},
        });
  if (!node.IsMap()) return;
  if (!has_pattern) {
    r.Error(node.pos, path, "a redaction rule needs a 'pattern'",
            "e.g. {name: password, pattern: 'password=\\S+', replacement: 'password=***'}");
    return;
  }
  if (!rule.pattern.re) return;  // reported
  if (MatchesEmpty(*rule.pattern.re)) {
    r.Error(rule.pattern.pos, JoinPath(path, "pattern"),
            "the pattern '" + rule.pattern.text +
                "' matches an empty text: the replacement would be inserted between every two "
                "characters",
            "match at least one character, e.g. '\\d+' instead of '\\d*'");
    return;
  }
  std::string err;
  if (!TranslateReplacement(rule.replacement, *rule.pattern.re, &rule.rewrite, &err)) {
    r.Error(replacement ? replacement->pos : node.pos, JoinPath(path, "replacement"), err,
            "write $1 or ${name} for a group (in YAML $${name}), $$ for a literal $");
    return;
  }
  out->redaction.push_back(std::move(rule));
}

void ReadRedaction(Reader& r, const Node& node, P path, LoggingSpec* out) {
  out->redaction_enabled = true;
  r.Map(node, path,
        {
            {"enabled", [&](const Node& v, P p) { r.Bool(v, p, &out->redaction_enabled); }},
            {"patterns",
             [&](const Node& v, P p) {
               if (v.IsNull()) return;
               if (!v.IsSequence()) {
                 r.Error(v.pos, p, std::string("expected a list of rules, got ") + DescribeKind(v),
                         "- {name: token, pattern: 'token=\\w+', replacement: 'token=***'}");
                 return;
               }
               for (size_t i = 0; i < v.items.size(); ++i) {
                 ReadRedactionRule(r, *v.items[i], ItemPath(p, i), out);
               }
             }},
        });
}

void ReadMultiline(Reader& r, const Node& node, P path, LoggingSpec* out) {
  MultilineSpec& m = out->multiline;
  m.enabled = true;
  bool has_pattern = false;
  r.Map(node, path,
        {
            {"enabled", [&](const Node& v, P p) { r.Bool(v, p, &m.enabled); }},
            {"pattern",
             [&](const Node& v, P p) {
               has_pattern = true;
               ReadLogPattern(r, v, p, false, &m.start);
             }},
            {"max_lines",
             [&](const Node& v, P p) { r.Int(v, p, 1, kMaxMultilineLines, &m.max_lines); }},
            {"timeout",
             [&](const Node& v, P p) {
               std::chrono::milliseconds value{0};
               if (!r.Duration(v, p, &value)) return;
               if (value.count() <= 0 || value > std::chrono::hours(1)) {
                 r.Error(v.pos, p, "must be above 0 and at most 1h",
                         "how long an entry may wait for more lines, e.g. 1s or 500ms");
                 return;
               }
               m.timeout = value;
             }},
        });
  if (node.IsMap() && m.enabled && !has_pattern) {
    r.Error(node.pos, path, "multiline needs a 'pattern' (what the first line of an entry matches)",
            "e.g. pattern: '^\\[\\d{4}-' for lines that start with a date");
  }
}

void ReadJson(Reader& r, const Node& node, P path, LoggingSpec* out) {
  JsonSpec& j = out->json;
  j.enabled = true;
  r.Map(node, path,
        {
            {"enabled", [&](const Node& v, P p) { r.Bool(v, p, &j.enabled); }},
            {"detect_auto", [&](const Node& v, P p) { r.Bool(v, p, &j.detect_auto); }},
            {"extract_level", [&](const Node& v, P p) { r.Bool(v, p, &j.extract_level); }},
            {"extract_message", [&](const Node& v, P p) { r.Bool(v, p, &j.extract_message); }},
            {"merge_fields", [&](const Node& v, P p) { r.Bool(v, p, &j.merge_fields); }},
        });
}

int Rank(LogLevel level) {  // 0 = most severe: the order in which patterns are tried
  switch (level) {
    case LogLevel::kError:
      return 0;
    case LogLevel::kWarn:
      return 1;
    case LogLevel::kInfo:
      return 2;
    case LogLevel::kDebug:
      return 3;
  }
  return 3;
}

void ReadLevelPatterns(Reader& r, const Node& node, P path, LevelDetectionSpec* out) {
  std::vector<LevelPatterns> found;
  r.Map(node, path, {}, {}, [&](const MapEntry& e, const std::string&) {
    const std::string p = JoinPath(path, e.key);
    Node key;
    key.kind = Node::Kind::kScalar;
    key.scalar = e.key;
    key.pos = e.key_pos;
    LevelPatterns lp{LogLevel::kInfo, {}};
    if (!ReadLevel(r, key, p, &lp.level)) return;
    const auto same = std::find_if(found.begin(), found.end(),
                                   [&](const LevelPatterns& f) { return f.level == lp.level; });
    if (same != found.end()) {
      r.Error(e.key_pos, p, "patterns for level '" + e.key + "' are given twice",
              "put them in one list");
      return;
    }
    if (e.value->IsSequence()) {
      ReadPatternList(r, *e.value, p, &lp.patterns);
    } else {
      LogPattern one;
      if (ReadLogPattern(r, *e.value, p, false, &one)) lp.patterns.push_back(std::move(one));
    }
    if (!lp.patterns.empty()) found.push_back(std::move(lp));
  });
  std::stable_sort(found.begin(), found.end(), [](const LevelPatterns& a, const LevelPatterns& b) {
    return Rank(a.level) < Rank(b.level);
  });
  out->patterns = std::move(found);
}

void ReadLevelDetection(Reader& r, const Node& node, P path, LoggingSpec* out) {
  LevelDetectionSpec& d = out->level_detection;
  r.Map(node, path,
        {
            {"enabled", [&](const Node& v, P p) { r.Bool(v, p, &d.enabled); }},
            {"patterns", [&](const Node& v, P p) { ReadLevelPatterns(r, v, p, &d); }},
            {"default_level", [&](const Node& v, P p) { ReadLevel(r, v, p, &d.default_level); }},
        });
}

void ReadFilters(Reader& r, const Node& node, P path, LoggingSpec* out) {
  r.Map(node, path,
        {
            {"include", [&](const Node& v, P p) { ReadPatternList(r, v, p, &out->include); }},
            {"exclude", [&](const Node& v, P p) { ReadPatternList(r, v, p, &out->exclude); }},
        });
}

KeyHandler StreamKey(Reader& r, const char* key, SourcePos* pos, bool* value, bool* forward) {
  return {key, [&r, pos, value, forward](const Node& v, P p) {
            if (!r.Bool(v, p, value)) return;
            *pos = v.pos;
            *forward = *value;
          }};
}

// The process-level value of `key`, read without reporting (its own handler reported it).
bool ProcessLevelBool(Reader& r, const Node& process_node, const char* key, SourcePos* pos,
                      bool* value) {
  for (const auto& e : process_node.entries) {
    if (e.key != key) continue;
    Diagnostics quiet;
    Reader reader(r.file(), r.env(), &quiet);
    *pos = e.value->pos;
    return reader.Bool(*e.value, key, value);
  }
  return false;
}

}  // namespace

void ReadLogging(Reader& r, const Node& node, const std::string& path, ProcessSpec* out) {
  auto spec = std::make_shared<LoggingSpec>();
  LoggingSpec* s = spec.get();
  r.Map(node, path,
        {
            StreamKey(r, "stdout", &s->stdout_pos, &s->stdout_value, &out->forward_stdout),
            StreamKey(r, "stderr", &s->stderr_pos, &s->stderr_value, &out->forward_stderr),
            {"labels", [&](const Node& v, P p) { ReadLabels(r, v, p, s); }},
            {"min_level",
             [&](const Node& v, P p) {
               LogLevel level = LogLevel::kInfo;
               if (ReadLevel(r, v, p, &level)) s->min_level = level;
             }},
            {"redaction", [&](const Node& v, P p) { ReadRedaction(r, v, p, s); }},
            {"multiline", [&](const Node& v, P p) { ReadMultiline(r, v, p, s); }},
            {"json", [&](const Node& v, P p) { ReadJson(r, v, p, s); }},
            {"level_detection", [&](const Node& v, P p) { ReadLevelDetection(r, v, p, s); }},
            {"filters", [&](const Node& v, P p) { ReadFilters(r, v, p, s); }},
        });
  out->logging = std::move(spec);
}

void CheckLoggingStreams(Reader& r, const Node& process_node, const std::string& path,
                         const ProcessSpec& spec) {
  if (!spec.logging || !process_node.IsMap()) return;
  const LoggingSpec& s = *spec.logging;
  struct Stream {
    const char* key;
    SourcePos logging_pos;
    bool logging_value;
  };
  for (const Stream& st : {Stream{"stdout", s.stdout_pos, s.stdout_value},
                           Stream{"stderr", s.stderr_pos, s.stderr_value}}) {
    SourcePos pos;
    bool process_value = true;
    if (st.logging_pos.line == 0 ||
        !ProcessLevelBool(r, process_node, st.key, &pos, &process_value)) {
      continue;
    }
    if (process_value == st.logging_value) continue;
    const std::string key = st.key;
    r.Error(st.logging_pos, JoinPath(path, "logging." + key),
            "logging." + key + ": " + (st.logging_value ? "true" : "false") + " contradicts " +
                key + ": " + (process_value ? "true" : "false") + " (line " +
                std::to_string(pos.line) + ")",
            "both mean the same; set it in one place");
  }
}

}  // namespace phpeek::config
