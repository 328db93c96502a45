// Nearest-key suggestions by edit distance.
#include "suggest.h"

#include <algorithm>

#include "evr/config/schema.h"

namespace evr::config::detail {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

namespace {

std::string last_component(const std::string& path) {
    const std::size_t cut = path.find_last_of(".]");
    return cut == std::string::npos ? path : path.substr(cut + 1);
}

} // namespace

std::string nearest(const std::string& word, const std::vector<std::string>& candidates) {
    // A typo changes a few characters of the last word; more than that is a different word.
    const std::size_t tail = last_component(word).size();
    const std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, tail / 3));
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best;
}

std::string suggest_key(const std::string& path) {
    const std::string pattern = pattern_of(path);
    const std::vector<std::string> candidates = all_patterns();
    std::string found = nearest(pattern, candidates);
    if (found.empty()) {
        // A right name in the wrong section ("fifo.grow_below"): suggest it if unambiguous.
        const std::string tail = last_component(pattern);
        for (const std::string& c : candidates) {
            if (last_component(c) != tail)
                continue;
            if (!found.empty())
                return "";
            found = c;
        }
    }
    // Give the suggestion the indices of the path the user wrote.
    std::size_t from = 0;
    std::string out;
    for (char c : found) {
        if (c == ']' && !out.empty() && out.back() == '[') {
            const std::size_t open = path.find('[', from);
            const std::size_t close = open == std::string::npos ? open : path.find(']', open);
            if (close != std::string::npos) {
                out += path.substr(open + 1, close - open - 1);
                from = close + 1;
            }
        }
        out += c;
    }
    return out;
}

std::string did_you_mean(const std::string& suggestion) {
    return suggestion.empty() ? "" : " (did you mean " + suggestion + "?)";
}

} // namespace evr::config::detail
