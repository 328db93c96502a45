// Structural check of the merged tree: unknown keys (with a suggestion), maps where maps
// belong, required item keys. Values themselves are checked when they are read.
#include "detail.h"
#include "evr/config/schema.h"
#include "suggest.h"

namespace evr::config::detail {
namespace {

void check_map(const YAML::Node& node, const std::string& path, const std::string& pattern,
               const origin_map& origins);

void check_items(const YAML::Node& list, const std::string& path, const std::string& pattern,
                 const origin_map& origins) {
    if (!list.IsSequence())
        fail(origins, path, "expected a list of maps, got " + describe(list));
    const std::string item_pattern = pattern + "[]";
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string item = index(path, i);
        check_map(list[i], item, item_pattern, origins);
        for (const key_info& k : schema()) {
            if (!k.required || k.path.compare(0, item_pattern.size() + 1, item_pattern + ".") != 0)
                continue;
            const std::string name = k.path.substr(item_pattern.size() + 1);
            if (!list[i][name].IsDefined())
                fail(origins, item, "missing required key " + name);
        }
    }
}

void check_map(const YAML::Node& node, const std::string& path, const std::string& pattern,
               const origin_map& origins) {
    if (!node.IsMap())
        fail(origins, path,
             (path.empty() ? "expected a map of sections at the top level, got "
                           : "expected a map, got ") +
                 describe(node));
    for (const auto& kv : node) {
        if (!kv.first.IsScalar())
            fail(origins, path, "keys must be plain names, got " + describe(kv.first));
        const std::string key = kv.first.Scalar();
        const std::string child = join(path, key);
        const std::string child_pattern = join(pattern, key);
        if (is_section(child_pattern)) {
            check_map(kv.second, child, child_pattern, origins);
            continue;
        }
        const key_info* k = find_key(child_pattern);
        if (!k)
            fail(origins, child, "unknown key" + did_you_mean(suggest_key(child)));
        if (k->type == value_type::map_list)
            check_items(kv.second, child, child_pattern, origins);
        else if (k->type == value_type::map && !kv.second.IsNull())
            check_map(kv.second, child, child_pattern, origins);
    }
}

} // namespace

void check_keys(const YAML::Node& root, const origin_map& origins) {
    check_map(root, "", "", origins);
}

} // namespace evr::config::detail
