// One small connection table shared by the resolve and fan-out tests: the same MAC in
// several VLANs, the same IPv4 address in two VLANs, and groups with and without a VLAN.
#pragma once

#include "evr/lookup/connection_table.h"
#include "frame_builder.h"

namespace evr::lookup::test {

inline constexpr uint64_t mac_a = 0x02'00'00'00'00'0aULL;
inline constexpr uint64_t mac_b = 0x02'00'00'00'00'0bULL;
inline constexpr uint64_t mac_c = 0x02'00'00'00'00'0cULL;
inline constexpr uint64_t mac_d = 0x02'00'00'00'00'0dULL;
inline constexpr uint64_t mac_stranger = 0x02'00'00'00'00'eeULL;
inline constexpr uint64_t group_10 = 0x01'00'5e'00'00'01ULL;   // VLAN 10 only
inline constexpr uint64_t group_any = 0x01'00'5e'00'00'02ULL;  // any VLAN, VLAN 20 override
inline constexpr uint64_t group_none = 0x01'00'5e'00'00'03ULL; // not configured
inline constexpr uint32_t ip_1 = 0x0a000001;                   // 10.0.0.1, owned by 0 (untagged)
inline constexpr uint32_t ip_2 = 0x0a000002; // 10.0.0.2, owned by 1 (VLAN 10) and 3 (VLAN 20)
inline constexpr uint32_t ip_3 = 0x0a000003; // 10.0.0.3, owned by 2 (VLAN 10)
inline constexpr uint32_t ip_none = 0x0a0000ff;

enum sample_index : uint32_t { a_untagged, a_v10, b_v10, a_v20, c_v20, d_untagged };

inline std::vector<connection_def> sample_connections() {
    return {
        {"a-untagged", mac_a, std::nullopt, {ip_1}, {ipv6_addr(1)}},
        {"a-v10", mac_a, 10, {ip_2}, {}},
        {"b-v10", mac_b, 10, {ip_3}, {ipv6_addr(3)}},
        {"a-v20", mac_a, 20, {ip_2}, {}},
        {"c-v20", mac_c, 20, {}, {}},
        {"d-untagged", mac_d, std::nullopt, {}, {}},
    };
}

inline std::vector<group_def> sample_groups() {
    return {
        {group_10, 10, {a_v10, a_v20, b_v10}}, // a_v20 is outside VLAN 10
        {group_any, std::nullopt, {c_v20, a_untagged, b_v10, b_v10}},
        {group_any, 20, {a_v20}},
    };
}

inline connection_table sample_table(std::optional<uint32_t> default_connection = {}) {
    return connection_table(sample_connections(), sample_groups(), default_connection);
}

} // namespace evr::lookup::test
