// The steps of load_config(), each in its own file.
#pragma once

#include <string>
#include <yaml-cpp/yaml.h>

#include "evr/config/config.h"
#include "origins.h"

namespace evr::config::detail {

// layers.cpp: the merged tree, layer by layer.
YAML::Node default_tree();
void merge_file(YAML::Node& root, const std::string& file, origin_map& origins);
void apply_set(YAML::Node& root, const std::string& argument, origin_map& origins);

// keys.cpp: every key is known, every section and list item is a map, required keys given.
void check_keys(const YAML::Node& root, const origin_map& origins);

// convert.cpp: tree <-> typed config. from_tree() checks each value's type and range.
config from_tree(const YAML::Node& root, const origin_map& origins);
// to_tree() leaves connections and multicast_groups empty; item_tree() gives each item
// (a connection's vm with only the keys that differ from the top-level vm).
YAML::Node to_tree(const config& cfg);
YAML::Node item_tree(const connection_config& con, const vm_config& top_vm);
YAML::Node item_tree(const multicast_group_config& group);

// validate.cpp: rules that involve more than one value.
void check_cross(const config& cfg, const origin_map& origins);

} // namespace evr::config::detail
