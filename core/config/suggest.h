// "Did you mean ...?" for unknown keys and names: the closest candidate by edit distance.
#pragma once

#include <string>
#include <vector>

namespace phpeek::config {

// Edit distance: insert, delete, substitute, swap two adjacent characters, each cost 1.
size_t EditDistance(const std::string& a, const std::string& b);

// The candidate closest to `word` if it is close enough to be a plausible typo (distance at most
// a third of the word's length, at least 1; or one is a prefix of the other; case and '-' vs
// '_' do not count), else "".
std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace phpeek::config
