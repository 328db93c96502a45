// The connection tables of the router and the two lookups made on them: the parser's fast
// lookup (patent block 103) and the assist engine's fan-out of special frames. The rules,
// VLAN isolation in particular, are in docs/lookup.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "evr/lookup/connection_def.h"
#include "evr/lookup/parsed_frame.h"

namespace evr::lookup {

// What the parser's fast lookup found. Every class but `known` goes to the named queue of
// that special type and is resolved by the assist engine (fan_out).
enum class frame_class : uint8_t { known, broadcast, multicast, arp, unknown };

// "known", "broadcast", "multicast", "arp", "unknown".
const char* to_string(frame_class c);

struct fast_result {
    frame_class kind = frame_class::unknown;
    uint32_t connection = 0; // valid only when kind == known
};

class connection_table {
public:
    // An empty table: every unicast frame is unknown and dropped.
    connection_table();

    // Throws evr::input_error (one line naming the entry) on: a VLAN outside 1..4095, a
    // connection MAC that is multicast, two connections with the same (MAC, VLAN), an IPv4 or
    // IPv6 address that is not unicast or is owned twice within one VLAN, a group MAC that
    // is not multicast, two groups with the same (MAC, VLAN), a group member or default
    // connection that is not a connection index.
    connection_table(std::vector<connection_def> connections, std::vector<group_def> groups,
                     std::optional<uint32_t> default_connection);

    // The parser's fast lookup. O(1): at most three hash lookups, no allocation.
    fast_result resolve(const parsed_frame& f) const;

    // The assist engine's resolution: replaces `targets` with the connections that receive
    // the frame, sorted ascending, without duplicates, all in the frame's VLAN. `r` is what
    // resolve() returned for `f`. Empty means drop: reason no_member for broadcast,
    // multicast and ARP, unknown_destination for unknown. Reuses the capacity of `targets`.
    void fan_out(const parsed_frame& f, fast_result r, std::vector<uint32_t>& targets) const;

    std::size_t size() const { return m_connections.size(); }
    const connection_def& connection(uint32_t index) const { return m_connections.at(index); }
    const std::vector<connection_def>& connections() const { return m_connections; }
    const std::vector<group_def>& groups() const { return m_groups; }
    std::optional<uint32_t> default_connection() const { return m_default; }

    // Connections whose VLAN is `vlan` (none = untagged), ascending. VID 0 or > 4095 has none.
    const std::vector<uint32_t>& connections_in_vlan(std::optional<uint16_t> vlan) const;

    // Single-table lookups, for tools and checkers.
    std::optional<uint32_t> find_l2(uint64_t mac, std::optional<uint16_t> vlan) const;
    std::optional<uint32_t> find_ipv4(uint32_t addr, std::optional<uint16_t> vlan) const;
    std::optional<uint32_t> find_ipv6(const std::array<uint8_t, 16>& addr,
                                      std::optional<uint16_t> vlan) const;

private:
    struct ipv6_key {
        std::array<uint8_t, 16> addr;
        uint32_t vlan_key;
        bool operator==(const ipv6_key& o) const {
            return addr == o.addr && vlan_key == o.vlan_key;
        }
    };
    struct ipv6_key_hash {
        std::size_t operator()(const ipv6_key& k) const;
    };

    void add_connection(uint32_t index);
    void add_groups();
    void validate_default() const;

    std::vector<connection_def> m_connections;
    std::vector<group_def> m_groups;
    std::optional<uint32_t> m_default;

    std::unordered_map<uint64_t, uint32_t> m_l2;   // (MAC, VLAN) key -> connection
    std::unordered_map<uint64_t, uint32_t> m_ipv4; // (address, VLAN) key -> connection
    std::unordered_map<ipv6_key, uint32_t, ipv6_key_hash> m_ipv6;
    // Indexed by VID, index 0 = untagged: each VLAN's connections, precomputed so that a
    // broadcast fan-out is one copy.
    std::vector<std::vector<uint32_t>> m_vlan_members;
    // (group MAC, VLAN) key -> members in that VLAN. Groups without a VLAN are expanded
    // here per member VLAN; a group with a VLAN wins over one without for that VLAN.
    std::unordered_map<uint64_t, std::vector<uint32_t>> m_group_members;
    // MACs of groups without a VLAN: such a group matches in a VLAN where it has no member,
    // which must yield no targets rather than a flood.
    std::unordered_set<uint64_t> m_any_vlan_groups;
};

} // namespace evr::lookup
