// Limits a configuration text must keep before it is loaded (docs/config.md, "Limits"):
// checked on yaml-cpp's event stream, which costs time and memory linear in the text,
// so no input can make loading expand (an alias bomb) or recurse without bound.
#pragma once

#include <cstddef>
#include <string>

namespace evr::config::detail {

constexpr std::size_t max_config_bytes = std::size_t{64} << 20; // 64 MiB
constexpr std::size_t max_yaml_depth = 32;                      // nesting of maps and lists
constexpr std::size_t max_yaml_nodes = std::size_t{8} << 20;    // scalars, maps and lists

// Throws evr::input_error "WHERE[:LINE]: PROBLEM" when `text` uses an alias (*name: refused,
// as YAML's aliases are what make a few hundred bytes expand to gigabytes), nests deeper
// than max_yaml_depth or holds more than max_yaml_nodes nodes. A syntax error is left for
// YAML::Load to report as before.
void check_yaml_bounds(const std::string& text, const std::string& where);

} // namespace evr::config::detail
