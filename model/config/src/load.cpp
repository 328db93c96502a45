// load_config(): the layers, then the checks, then the typed result.
#include <stdexcept>

#include "detail.h"
#include "evr/config/schema.h"

namespace evr::config {

config load_config(const std::string& yaml_path_or_empty,
                   const std::vector<std::string>& set_overrides) {
    detail::origin_map origins;
    YAML::Node tree = detail::default_tree();
    if (!yaml_path_or_empty.empty())
        detail::merge_file(tree, yaml_path_or_empty, origins);
    for (const std::string& argument : set_overrides)
        detail::apply_set(tree, argument, origins);
    detail::check_keys(tree, origins);
    config cfg = detail::from_tree(tree, origins);
    detail::check_cross(cfg, origins);
    return cfg;
}

config default_config() {
    return load_config("", {});
}

std::vector<std::string> override_flags() {
    std::vector<std::string> flags;
    for (const key_info& k : schema())
        if (!k.cli_flag.empty())
            flags.push_back(k.cli_flag);
    return flags;
}

std::string flag_override(const std::string& flag, const std::string& value) {
    for (const key_info& k : schema())
        if (k.cli_flag == flag && !flag.empty())
            return k.path + "=" + value;
    throw std::invalid_argument("evr config: " + flag + " is not a configuration flag");
}

} // namespace evr::config
