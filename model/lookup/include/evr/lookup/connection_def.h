// What a connection (one VM's receive path) and a multicast group are, independent of where
// they come from: the YAML config loader or learn mode. See docs/lookup.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evr::lookup {

// Connection index = position in the vector passed to connection_table.
struct connection_def {
    std::string name;
    uint64_t mac = 0;             // 48-bit unicast MAC, first octet in bits 47..40
    std::optional<uint16_t> vlan; // VID 1..4095, or none = untagged (incl. priority-tagged)
    std::vector<uint32_t> ipv4;   // numeric values: 10.0.0.1 == 0x0a000001
    std::vector<std::array<uint8_t, 16>> ipv6; // network byte order
};

struct group_def {
    uint64_t mac = 0;              // 48-bit multicast MAC (I/G bit set, not broadcast)
    std::optional<uint16_t> vlan;  // VID 1..4095, or none = the group matches in every VLAN
    std::vector<uint32_t> members; // connection indices
};

} // namespace evr::lookup
