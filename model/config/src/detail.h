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
YAML::Node to_tree(const config& cfg);

// validate.cpp: rules that involve more than one value.
void check_cross(const config& cfg, const origin_map& origins);

} // namespace evr::config::detail
