// Origin tracking and the one-line error format of the configuration.
#include "origins.h"

#include "evr/common/error.h"

namespace evr::config::detail {

void origin_map::record_tree(const YAML::Node& node, const std::string& path, const origin& from,
                             int key_line) {
    origin o = from;
    if (o.set_path.empty()) {
        // A key's line reads better than its value's (a map value starts on the next line).
        o.line = key_line > 0 ? key_line : (node.Mark().is_null() ? 0 : node.Mark().line + 1);
    }
    m_by_path[path] = o;
    if (node.IsMap()) {
        for (const auto& kv : node) {
            if (!kv.first.IsScalar())
                continue;
            const int line = kv.first.Mark().is_null() ? 0 : kv.first.Mark().line + 1;
            record_tree(kv.second, join(path, kv.first.Scalar()), from, line);
        }
    } else if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            record_tree(node[i], index(path, i), from);
    }
}

void origin_map::erase_below(const std::string& path) {
    for (auto it = m_by_path.lower_bound(path); it != m_by_path.end();) {
        const std::string& p = it->first;
        if (p.compare(0, path.size(), path) != 0)
            break;
        const bool below =
            p.size() == path.size() || p[path.size()] == '.' || p[path.size()] == '[';
        it = below ? m_by_path.erase(it) : std::next(it);
    }
}

std::string origin_map::user_set_at_or_below(const std::string& path) const {
    for (auto it = m_by_path.lower_bound(path);
         it != m_by_path.end() && it->first.compare(0, path.size(), path) == 0; ++it) {
        const std::string& p = it->first;
        if (p.size() == path.size() || p[path.size()] == '.' || p[path.size()] == '[')
            return p;
    }
    return "";
}

const origin* origin_map::find(const std::string& path) const {
    std::string p = path;
    for (;;) {
        auto it = m_by_path.find(p);
        if (it != m_by_path.end())
            return &it->second;
        const std::size_t cut = p.find_last_of(".[");
        if (cut == std::string::npos)
            return nullptr;
        p.resize(cut);
    }
}

std::string origin_map::where(const std::string& path) const {
    const origin* o = find(path);
    if (!o)
        return path.empty() ? "defaults" : "defaults: " + path;
    if (!o->set_path.empty())
        return o->set_path == path || path.empty() ? o->source : o->source + ": " + path;
    std::string text = o->source;
    if (o->line > 0)
        text += ":" + std::to_string(o->line);
    if (!path.empty())
        text += ": " + path;
    return text;
}

void fail(const origin_map& origins, const std::string& path, const std::string& problem) {
    throw input_error(origins.where(path) + ": " + problem);
}

std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

std::string index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

std::string describe(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull())
        return "nothing";
    if (node.IsMap())
        return "a map";
    if (node.IsSequence())
        return "a list";
    return "\"" + node.Scalar() + "\"";
}

} // namespace evr::config::detail
