// Prints the effective configuration as YAML, in schema order, every key included.
#include <stdexcept>

#include "detail.h"
#include "evr/config/schema.h"

namespace evr::config {
namespace {

// Child key names of a map pattern, in schema order ("fifo" -> backend, ..., pool).
std::vector<std::string> children(const std::string& pattern) {
    // A connection's vm map holds the vm.* keys.
    const std::string prefix = (pattern == "connections[].vm" ? std::string("vm") : pattern) +
                               (pattern.empty() ? "" : ".");
    std::vector<std::string> out;
    for (const key_info& k : schema()) {
        if (k.path.compare(0, prefix.size(), prefix) != 0)
            continue;
        std::string rest = k.path.substr(prefix.size());
        rest = rest.substr(0, rest.find_first_of(".["));
        if (!rest.empty() && (out.empty() || out.back() != rest))
            out.push_back(rest);
    }
    return out;
}

bool quoted(value_type t) {
    // Quoting keeps names like "true" or "~" strings, and MACs away from YAML 1.1's
    // base-60 integers in other tools.
    return t == value_type::string || t == value_type::string_list || t == value_type::mac ||
           t == value_type::ipv4_list || t == value_type::ipv6_list;
}

void emit_map(YAML::Emitter& out, const std::string& pattern, const YAML::Node& node);

// A top-level item list, one item tree at a time.
template <typename Item, typename ToTree>
void emit_items(YAML::Emitter& out, const std::string& pattern, const std::vector<Item>& items,
                ToTree to_tree) {
    if (items.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
    }
    out << YAML::BeginSeq;
    for (const Item& item : items)
        emit_map(out, pattern + "[]", to_tree(item));
    out << YAML::EndSeq;
}

void emit_value(YAML::Emitter& out, const std::string& pattern, const YAML::Node& node) {
    const key_info* k = find_key(pattern);
    if (!k) {
        emit_map(out, pattern, node);
        return;
    }
    switch (k->type) {
    case value_type::map_list:
        if (node.size() == 0) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (std::size_t i = 0; i < node.size(); ++i)
            emit_map(out, pattern + "[]", node[i]);
        out << YAML::EndSeq;
        return;
    case value_type::map:
        emit_map(out, pattern, node);
        return;
    case value_type::uint_list:
    case value_type::real_list:
    case value_type::string_list:
    case value_type::ipv4_list:
    case value_type::ipv6_list:
        out << YAML::Flow << YAML::BeginSeq;
        for (std::size_t i = 0; i < node.size(); ++i) {
            if (quoted(k->type))
                out << YAML::DoubleQuoted;
            out << node[i].Scalar();
        }
        out << YAML::EndSeq;
        return;
    default:
        if (quoted(k->type))
            out << YAML::DoubleQuoted;
        out << node.Scalar();
    }
}

void emit_map(YAML::Emitter& out, const std::string& pattern, const YAML::Node& node) {
    out << YAML::BeginMap;
    for (const std::string& key : children(pattern)) {
        const YAML::Node value = node[key];
        if (!value.IsDefined()) {
            // Item keys may be absent (vlan = untagged); anything else is a to_tree() bug.
            if (pattern.find('[') != std::string::npos)
                continue;
            throw std::logic_error("evr config: to_yaml() has no value for " + key);
        }
        out << YAML::Key << key << YAML::Value;
        emit_value(out, pattern.empty() ? key : pattern + "." + key, value);
    }
    out << YAML::EndMap;
}

} // namespace

std::string to_yaml(const config& cfg) {
    const YAML::Node tree = detail::to_tree(cfg);
    YAML::Emitter out;
    out << YAML::BeginMap;
    for (const std::string& key : children("")) {
        out << YAML::Key << key << YAML::Value;
        if (key == "connections")
            emit_items(out, key, cfg.connections, [&](const connection_config& con) {
                return detail::item_tree(con, cfg.vm);
            });
        else if (key == "multicast_groups")
            emit_items(out, key, cfg.multicast_groups,
                       [](const multicast_group_config& g) { return detail::item_tree(g); });
        else if (const YAML::Node value = tree[key]; value.IsDefined())
            emit_value(out, key, value);
        else
            throw std::logic_error("evr config: to_yaml() has no value for " + key);
    }
    out << YAML::EndMap;
    return "# evr effective configuration (schema defaults < file < --set); keys: "
           "docs/config.md\n" +
           std::string(out.c_str()) + "\n";
}

} // namespace evr::config
