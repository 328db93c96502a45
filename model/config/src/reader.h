// Typed reads from the merged tree. Each read checks the value against the schema entry of
// its path (type, range, enum values) and reports a bad one with its origin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "evr/config/address.h"
#include "evr/config/schema.h"
#include "origins.h"

namespace evr::config::detail {

class reader {
public:
    explicit reader(const origin_map& origins) : m_origins(origins) {}

    // `node` is the value at display path `path` ("connections[2].vlan").
    bool boolean(const YAML::Node& node, const std::string& path) const;
    std::uint32_t uint(const YAML::Node& node, const std::string& path) const;
    std::uint64_t uint64(const YAML::Node& node, const std::string& path) const;
    double real(const YAML::Node& node, const std::string& path) const;
    std::string string(const YAML::Node& node, const std::string& path) const;
    std::string enumeration(const YAML::Node& node, const std::string& path) const;
    std::vector<std::uint32_t> uint_list(const YAML::Node& node, const std::string& path) const;
    std::vector<double> real_list(const YAML::Node& node, const std::string& path) const;
    std::vector<std::string> string_list(const YAML::Node& node, const std::string& path) const;
    mac_address mac(const YAML::Node& node, const std::string& path) const;
    std::vector<ipv4_address> ipv4_list(const YAML::Node& node, const std::string& path) const;
    std::vector<ipv6_address> ipv6_list(const YAML::Node& node, const std::string& path) const;
    std::optional<std::uint32_t> imix_or_uint(const YAML::Node& node,
                                              const std::string& path) const;

    [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
        detail::fail(m_origins, path, problem);
    }
    const origin_map& origins() const { return m_origins; }

private:
    // The schema entry of `path`; a mismatch with `type` is a bug in evr, not in the input.
    const key_info& entry(const std::string& path, value_type type) const;
    std::string scalar(const YAML::Node& node, const std::string& path, const char* expected) const;
    std::uint64_t integer(const YAML::Node& node, const std::string& path, const value_range& range,
                          std::uint64_t max) const;
    double number(const YAML::Node& node, const std::string& path, const value_range& range) const;
    const YAML::Node& sequence(const YAML::Node& node, const std::string& path) const;

    const origin_map& m_origins;
};

} // namespace evr::config::detail
