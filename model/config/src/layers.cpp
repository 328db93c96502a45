// Builds the merged tree: schema defaults, then the file, then each --set in order.
// Maps merge key by key; any other value (scalar, list) replaces the one below it.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "detail.h"
#include "evr/common/error.h"
#include "evr/common/input_file.h"
#include "evr/config/schema.h"
#include "suggest.h"
#include "yaml_bounds.h"

namespace evr::config::detail {
namespace {

void merge(YAML::Node dst, const YAML::Node& src) {
    if (src.IsNull() && dst.IsMap())
        return; // "fifo:" with every key commented out keeps the defaults
    if (src.IsMap() && dst.IsMap()) {
        for (const auto& kv : src) {
            if (!kv.first.IsScalar()) {
                dst[kv.first] = kv.second; // check_keys() reports it with its origin
                continue;
            }
            merge(dst[kv.first.Scalar()], kv.second);
        }
        return;
    }
    dst = src; // replaces the node inside its parent
}

std::string syntax_error(const std::string& where, const YAML::Exception& e) {
    std::string text = where;
    if (!e.mark.is_null())
        text += ":" + std::to_string(e.mark.line + 1);
    return text + ": YAML syntax error: " + e.msg;
}

// Paths inside a config file are relative to the file, so a config and its traces can be
// moved together; paths given with --set are relative to the working directory. Resolving
// both at load time keeps the printed configuration meaning the same thing anywhere.
void resolve_paths(YAML::Node node, const std::string& pattern, const std::filesystem::path& dir) {
    const key_info* k = find_key(pattern);
    if (k && k->is_path && node.IsScalar() && !node.Scalar().empty() &&
        std::filesystem::path(node.Scalar()).is_relative()) {
        node = (dir / node.Scalar()).lexically_normal().string();
    } else if (node.IsMap()) {
        for (auto kv : node)
            if (kv.first.IsScalar())
                resolve_paths(kv.second, join(pattern, kv.first.Scalar()), dir);
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            resolve_paths(node[i], pattern + "[]", dir);
    }
}

// yaml-cpp keeps both entries of a repeated key; one of them would silently win.
void check_duplicate_keys(const YAML::Node& node, const std::string& file,
                          const std::string& path) {
    if (node.IsMap()) {
        std::map<std::string, int> lines;
        for (const auto& kv : node) {
            if (!kv.first.IsScalar())
                continue;
            const std::string key = kv.first.Scalar();
            const int line = kv.first.Mark().line + 1;
            if (auto [it, fresh] = lines.emplace(key, line); !fresh)
                throw input_error(file + ":" + std::to_string(line) + ": " + join(path, key) +
                                  ": duplicate key (also on line " + std::to_string(it->second) +
                                  ")");
            check_duplicate_keys(kv.second, file, join(path, key));
        }
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            check_duplicate_keys(node[i], file, index(path, i));
    }
}

bool is_index(const std::string& s) {
    return !s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos;
}

bool is_list(const key_info* k) {
    return k && (k->type == value_type::uint_list || k->type == value_type::real_list ||
                 k->type == value_type::string_list || k->type == value_type::ipv4_list ||
                 k->type == value_type::ipv6_list || k->type == value_type::map_list);
}

bool known_pattern(const std::string& pattern) {
    if (find_key(pattern) || is_section(pattern))
        return true;
    const std::size_t n = pattern.size();
    return n > 2 && pattern.compare(n - 2, 2, "[]") == 0 &&
           is_list(find_key(pattern.substr(0, n - 2)));
}

} // namespace

YAML::Node default_tree() {
    YAML::Node root(YAML::NodeType::Map);
    for (const key_info& k : schema()) {
        if (k.path.find('[') != std::string::npos)
            continue; // item keys: defaults apply per item in from_tree()
        YAML::Node node = root;
        std::size_t from = 0;
        for (std::size_t dot = k.path.find('.'); dot != std::string::npos;
             dot = k.path.find('.', from)) {
            node.reset(node[k.path.substr(from, dot - from)]);
            from = dot + 1;
        }
        node[k.path.substr(from)] = YAML::Load(k.default_yaml);
    }
    return root;
}

void merge_file(YAML::Node& root, const std::string& file, origin_map& origins) {
    std::error_code ec;
    const std::string text = read_input_file(file, "configuration", max_config_bytes);
    check_yaml_bounds(text, file);
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw input_error(syntax_error(file, e));
    }
    if (doc.IsNull())
        return; // an empty file: all defaults
    if (!doc.IsMap()) {
        const int line = doc.Mark().is_null() ? 1 : doc.Mark().line + 1;
        throw input_error(file + ":" + std::to_string(line) +
                          ": expected a map of sections at the top level, got " + describe(doc));
    }
    check_duplicate_keys(doc, file, "");
    origins.record_tree(doc, "", origin{file, 0, ""});
    resolve_paths(doc, "", std::filesystem::absolute(file, ec).parent_path());
    merge(root, doc);
}

void apply_set(YAML::Node& root, const std::string& argument, origin_map& origins) {
    const std::string where = "--set " + argument;
    const std::size_t eq = argument.find('=');
    if (eq == std::string::npos || eq == 0)
        throw input_error(where + ": expected key=value");
    const std::string key = argument.substr(0, eq);
    const std::string text = argument.substr(eq + 1);

    // "connections.0.vm" -> components, display path "connections[0].vm", pattern.
    std::vector<std::string> parts;
    std::string path;
    for (std::size_t from = 0;;) {
        const std::size_t dot = key.find('.', from);
        parts.push_back(key.substr(from, dot == std::string::npos ? dot : dot - from));
        const std::string& part = parts.back();
        if (part.empty() || (is_index(part) && path.empty()))
            throw input_error(where + ": malformed key, expected a dotted path like "
                                      "fifo.pool.grow_step or connections.0.vlan");
        path = is_index(part) ? path + "[" + part + "]" : join(path, part);
        if (dot == std::string::npos)
            break;
        from = dot + 1;
    }
    if (!known_pattern(pattern_of(path)))
        throw input_error(where + ": unknown key" + did_you_mean(suggest_key(path)));

    check_yaml_bounds(text, where);
    YAML::Node value;
    try {
        value = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw input_error(where + ": YAML syntax error in the value: " + e.msg);
    }
    // As in a file: a flow map given twice the same key is a mistake, not a choice.
    check_duplicate_keys(value, where, path);

    YAML::Node node = root;
    std::string at;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& part = parts[i];
        const bool last = i + 1 == parts.size();
        YAML::Node next;
        if (is_index(part)) {
            const std::size_t n = std::stoul(part);
            if (!node.IsSequence())
                throw input_error(where + ": " + at + " is not a list");
            if (n > node.size())
                throw input_error(where + ": index " + part + " is past the end of " + at + " (" +
                                  std::to_string(node.size()) + " items; use index " +
                                  std::to_string(node.size()) + " to append)");
            if (n == node.size())
                node.push_back(last ? value : YAML::Node(YAML::NodeType::Map));
            next.reset(node[n]);
            at += "[" + part + "]";
        } else {
            if (!node.IsMap())
                throw input_error(where + ": " + at + " is not a map");
            if (!last && (!node[part].IsDefined() || node[part].IsNull()))
                node[part] = YAML::Node(YAML::NodeType::Map);
            next.reset(node[part]);
            at = join(at, part);
        }
        node.reset(next);
    }
    std::error_code ec;
    resolve_paths(value, pattern_of(path), std::filesystem::current_path(ec));
    if (!(value.IsMap() && node.IsMap()))
        origins.erase_below(path);
    merge(node, value);
    origins.record_tree(value, path, origin{where, 0, path});
}

} // namespace evr::config::detail
