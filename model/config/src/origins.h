// Where each value of the merged tree came from, so errors can name the file and line
// or the --set argument that wrote it.
#pragma once

#include <map>
#include <string>
#include <yaml-cpp/yaml.h>

namespace evr::config::detail {

struct origin {
    std::string source;   // file name as given, or "--set key=value"
    int line = 0;         // 1-based; 0 = unknown
    std::string set_path; // for --set: the display path the argument wrote
};

class origin_map {
public:
    // Records `node` (and everything under it) as written by `from` at display path `path`.
    // File origins take their line from the YAML marks; `key_line` is the line of the
    // node's map key when there is one.
    void record_tree(const YAML::Node& node, const std::string& path, const origin& from,
                     int key_line = 0);

    // Forgets `path` and everything under it (the node was replaced).
    void erase_below(const std::string& path);

    // True when a file or --set wrote exactly this path (not only an enclosing map).
    bool user_set(const std::string& path) const { return m_by_path.count(path) != 0; }

    // The path itself when a file or --set wrote it, else the first path below it that one
    // wrote ("fifo.buffer_classes[3]" for --set fifo.buffer_classes.3=...), else "".
    std::string user_set_at_or_below(const std::string& path) const;

    // "cfg.yaml:12: fifo.x", "--set fifo.x=3" (the argument names the key),
    // "--set fifo={x: 3}: fifo.x", or "defaults: fifo.x".
    std::string where(const std::string& path) const;

private:
    const origin* find(const std::string& path) const;

    std::map<std::string, origin> m_by_path;
};

// Throws evr::input_error "WHERE: PROBLEM".
[[noreturn]] void fail(const origin_map& origins, const std::string& path,
                       const std::string& problem);

// Display paths: join("fifo", "pool") = "fifo.pool"; index("connections", 2) = "connections[2]".
std::string join(const std::string& path, const std::string& key);
std::string index(const std::string& path, std::size_t i);

// Short description of a node for "got ..." in messages: "\"fast\"", "a map", "nothing".
std::string describe(const YAML::Node& node);

} // namespace evr::config::detail
