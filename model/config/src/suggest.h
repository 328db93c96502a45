// "did you mean ...?" suggestions for misspelt keys and names.
#pragma once

#include <string>
#include <vector>

namespace evr::config::detail {

// Levenshtein distance.
std::size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `word`, or "" when none is close enough to be a likely typo.
std::string nearest(const std::string& word, const std::vector<std::string>& candidates);

// Suggestion for an unknown key at display path `path` ("connections[2].nmae"):
// the nearest valid key, with the list indices of `path` filled in, or "".
std::string suggest_key(const std::string& path);

// " (did you mean X?)" or "".
std::string did_you_mean(const std::string& suggestion);

} // namespace evr::config::detail
