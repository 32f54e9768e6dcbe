#include "core/config/suggest.h"

#include <algorithm>
#include <cctype>

namespace phpeek::config {
namespace {

// Lower case, '-' as '_': `Restart-Policy` and `restart_policy` are the same typo.
std::string Normalize(const std::string& s) {
  std::string out(s);
  for (char& c : out) {
    c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

// Optimal string alignment: Levenshtein plus adjacent transpositions ("wbe" -> "web" is 1).
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev2(b.size() + 1);
  std::vector<size_t> prev(b.size() + 1);
  std::vector<size_t> cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool SuggestBudget::Spend(int64_t units) {
  if (units > left_) {
    left_ = 0;
    return false;
  }
  left_ -= units;
  return true;
}

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates,
                         SuggestBudget* budget) {
  if (word.size() > 128) return "";  // not a typo of any key; keeps the O(n*m) cost small
  const std::string norm = Normalize(word);
  const size_t limit = std::max<size_t>(1, norm.size() / 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    if (budget && !budget->Spend(static_cast<int64_t>(c.size()) + 1)) return "";
    const std::string other = Normalize(c);
    const size_t gap =
        norm.size() > other.size() ? norm.size() - other.size() : other.size() - norm.size();
    size_t d = limit + 1;  // the distance is at least the length gap: no need to compute it
    if (gap <= limit) {
      if (budget && !budget->Spend(static_cast<int64_t>((norm.size() + 1) * (other.size() + 1)))) {
        return "";
      }
      d = EditDistance(norm, other);
    }
    // "warning" for "warn", "restart_backoff" for "restart_backoff_max": a shared stem counts.
    const std::string& shorter = norm.size() < other.size() ? norm : other;
    const std::string& longer = norm.size() < other.size() ? other : norm;
    if (d > limit && shorter.size() >= 3 && longer.rfind(shorter, 0) == 0) d = limit;
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace phpeek::config
