// "Did you mean ...?" for unknown keys and names: the closest candidate by edit distance.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace phpeek::config {

// Edit distance: insert, delete, substitute, swap two adjacent characters, each cost 1.
size_t EditDistance(const std::string& a, const std::string& b);

// The work that the hints of one load may take: each candidate looked at costs its length, each
// edit-distance computation the product of the two lengths. Once spent, ClosestMatch answers ""
// (thousands of unknown names against thousands of processes must not take minutes).
class SuggestBudget {
 public:
  explicit SuggestBudget(int64_t units) : left_(units) {}
  // False (and nothing spent) when fewer than `units` are left.
  bool Spend(int64_t units);

 private:
  int64_t left_;
};

// The candidate closest to `word` if it is close enough to be a plausible typo (distance at most
// a third of the word's length, at least 1; or one is a prefix of the other; case and '-' vs
// '_' do not count), else "". With a budget, "" too once it is spent.
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates,
                         SuggestBudget* budget = nullptr);

}  // namespace phpeek::config
