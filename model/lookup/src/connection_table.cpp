// Connection tables: validation and precomputation at build time so that the per-frame
// lookups are a few hash probes and one vector copy.
#include "evr/lookup/connection_table.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "evr/common/error.h"
#include "evr/lookup/mac.h"

namespace evr::lookup {
namespace {

constexpr uint16_t max_vid = 4095;

// 16-bit VLAN part of a table key; the flag bit keeps "untagged" apart from every VID.
uint64_t vlan_key(std::optional<uint16_t> vlan) {
    return vlan ? (0x8000U | *vlan) : 0U;
}

uint64_t l2_key(uint64_t mac, std::optional<uint16_t> vlan) {
    return ((mac & broadcast_mac) << 16) | vlan_key(vlan);
}

uint64_t ipv4_key(uint32_t addr, std::optional<uint16_t> vlan) {
    return (uint64_t{addr} << 16) | vlan_key(vlan);
}

bool is_multicast_mac(uint64_t mac) {
    return ((mac >> 40) & 1) != 0;
}

bool valid_vid(std::optional<uint16_t> vlan) {
    return !vlan || (*vlan >= 1 && *vlan <= max_vid);
}

std::string vlan_text(std::optional<uint16_t> vlan) {
    return vlan ? "VLAN " + std::to_string(*vlan) : std::string("untagged");
}

std::string ipv4_text(uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." +
           std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff);
}

std::string ipv6_text(const std::array<uint8_t, 16>& a) {
    std::string s;
    char group[8];
    for (int i = 0; i < 16; i += 2) {
        std::snprintf(group, sizeof group, "%x", (a[i] << 8) | a[i + 1]);
        s += (i ? ":" : "") + std::string(group);
    }
    return s;
}

[[noreturn]] void fail(const std::string& what) {
    throw input_error(what);
}

const std::vector<uint32_t> no_connections;

} // namespace

const char* to_string(frame_class c) {
    switch (c) {
    case frame_class::known:
        return "known";
    case frame_class::broadcast:
        return "broadcast";
    case frame_class::multicast:
        return "multicast";
    case frame_class::arp:
        return "arp";
    case frame_class::unknown:
        return "unknown";
    }
    return "?";
}

std::size_t connection_table::ipv6_key_hash::operator()(const ipv6_key& k) const {
    uint64_t hi;
    uint64_t lo;
    std::memcpy(&hi, k.addr.data(), 8);
    std::memcpy(&lo, k.addr.data() + 8, 8);
    // Multiply-xorshift mixing: libstdc++ hashes integers by identity, and host parts of
    // IPv6 addresses often differ only in a few low bits.
    uint64_t h = hi * 0x9e3779b97f4a7c15ULL;
    h ^= (lo + k.vlan_key) * 0xc2b2ae3d27d4eb4fULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
}

connection_table::connection_table() : m_vlan_members(max_vid + 1) {}

connection_table::connection_table(std::vector<connection_def> connections,
                                   std::vector<group_def> groups,
                                   std::optional<uint32_t> default_connection)
    : m_connections(std::move(connections)), m_groups(std::move(groups)),
      m_default(default_connection), m_vlan_members(max_vid + 1) {
    m_l2.reserve(m_connections.size());
    for (uint32_t i = 0; i < m_connections.size(); ++i) {
        add_connection(i);
    }
    add_groups();
    validate_default();
}

void connection_table::add_connection(uint32_t index) {
    const connection_def& c = m_connections[index];
    const std::string who = "connections[" + std::to_string(index) + "] '" + c.name + "': ";
    if (!valid_vid(c.vlan)) {
        fail(who + "VLAN " + std::to_string(*c.vlan) +
             " is outside 1..4095 (VID 0 is a priority tag: omit the VLAN for untagged)");
    }
    if (is_multicast_mac(c.mac) || c.mac > broadcast_mac) {
        fail(who + "MAC " + format_mac(c.mac) + " is not a 48-bit unicast address");
    }
    const auto [l2, fresh] = m_l2.emplace(l2_key(c.mac, c.vlan), index);
    if (!fresh) {
        fail(who + "MAC " + format_mac(c.mac) + " " + vlan_text(c.vlan) +
             " already belongs to connection '" + m_connections[l2->second].name + "'");
    }
    for (uint32_t addr : c.ipv4) {
        if (!is_unicast_ipv4(addr)) {
            fail(who + "IPv4 address " + ipv4_text(addr) + " is not a unicast address");
        }
        const auto [it, ok] = m_ipv4.emplace(ipv4_key(addr, c.vlan), index);
        // The same address twice in one connection is harmless; across two is ambiguous.
        if (!ok && it->second != index) {
            fail(who + "IPv4 address " + ipv4_text(addr) + " " + vlan_text(c.vlan) +
                 " already belongs to connection '" + m_connections[it->second].name + "'");
        }
    }
    for (const auto& addr : c.ipv6) {
        if (!is_unicast_ipv6(addr)) {
            fail(who + "IPv6 address " + ipv6_text(addr) + " is not a unicast address");
        }
        const auto [it, ok] = m_ipv6.emplace(ipv6_key{addr, uint32_t(vlan_key(c.vlan))}, index);
        if (!ok && it->second != index) {
            fail(who + "IPv6 address " + ipv6_text(addr) + " " + vlan_text(c.vlan) +
                 " already belongs to connection '" + m_connections[it->second].name + "'");
        }
    }
    // Indices are added in ascending order, so every VLAN list stays sorted.
    m_vlan_members[c.vlan.value_or(0)].push_back(index);
}

void connection_table::add_groups() {
    // Groups with a VLAN first, so that expanding the VLAN-less groups can skip every
    // (MAC, VLAN) a group with that exact VLAN already decides.
    std::unordered_set<uint64_t> exact;
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
        group_def& grp = m_groups[g];
        const std::string who = "groups[" + std::to_string(g) + "]: ";
        if (!is_multicast_mac(grp.mac) || grp.mac >= broadcast_mac) {
            fail(who + "MAC " + format_mac(grp.mac) + " is not a multicast address");
        }
        if (!valid_vid(grp.vlan)) {
            fail(who + "VLAN " + std::to_string(*grp.vlan) + " is outside 1..4095");
        }
        for (uint32_t m : grp.members) {
            if (m >= m_connections.size()) {
                fail(who + "member " + std::to_string(m) + " is not a connection index (" +
                     std::to_string(m_connections.size()) + " connections)");
            }
        }
        std::sort(grp.members.begin(), grp.members.end());
        grp.members.erase(std::unique(grp.members.begin(), grp.members.end()), grp.members.end());
        if (!grp.vlan) {
            if (!m_any_vlan_groups.insert(grp.mac).second) {
                fail(who + "MAC " + format_mac(grp.mac) + " without VLAN is defined twice");
            }
            continue;
        }
        const uint64_t key = l2_key(grp.mac, grp.vlan);
        if (!exact.insert(key).second) {
            fail(who + "MAC " + format_mac(grp.mac) + " " + vlan_text(grp.vlan) +
                 " is defined twice");
        }
        // Members outside the group's VLAN can never receive its frames (VLAN isolation).
        auto& list = m_group_members[key]; // created even when empty: the group matches
        for (uint32_t m : grp.members) {
            if (m_connections[m].vlan == grp.vlan) {
                list.push_back(m);
            }
        }
    }
    for (const group_def& grp : m_groups) {
        if (grp.vlan) {
            continue;
        }
        for (uint32_t m : grp.members) { // sorted, so each per-VLAN list is sorted
            const uint64_t key = l2_key(grp.mac, m_connections[m].vlan);
            if (exact.count(key) == 0) {
                m_group_members[key].push_back(m);
            }
        }
    }
}

void connection_table::validate_default() const {
    if (m_default && *m_default >= m_connections.size()) {
        fail("default connection " + std::to_string(*m_default) + " is not a connection index (" +
             std::to_string(m_connections.size()) + " connections)");
    }
}

fast_result connection_table::resolve(const parsed_frame& f) const {
    // A frame whose VLAN cannot be known must not reach any connection (VLAN isolation).
    if (f.runt || f.vlan_unknown) {
        return {frame_class::unknown, 0};
    }
    if (f.is_broadcast) {
        const bool arp = f.has_ethertype && f.ethertype == ethertype_arp;
        return {arp ? frame_class::arp : frame_class::broadcast, 0};
    }
    if (f.is_multicast) {
        return {frame_class::multicast, 0};
    }
    if (const auto it = m_l2.find(l2_key(f.dst_mac, f.vlan)); it != m_l2.end()) {
        return {frame_class::known, it->second};
    }
    // The L3 tables are keyed by (address, VLAN): an L3 hit never leaves the frame's VLAN.
    if (f.has_ipv4 && is_unicast_ipv4(f.ipv4_dst)) {
        if (const auto it = m_ipv4.find(ipv4_key(f.ipv4_dst, f.vlan)); it != m_ipv4.end()) {
            return {frame_class::known, it->second};
        }
    } else if (f.has_ipv6 && is_unicast_ipv6(f.ipv6_dst)) {
        const ipv6_key key{f.ipv6_dst, uint32_t(vlan_key(f.vlan))};
        if (const auto it = m_ipv6.find(key); it != m_ipv6.end()) {
            return {frame_class::known, it->second};
        }
    }
    return {frame_class::unknown, 0};
}

void connection_table::fan_out(const parsed_frame& f, fast_result r,
                               std::vector<uint32_t>& targets) const {
    targets.clear();
    if (f.runt || f.vlan_unknown) {
        return;
    }
    const auto copy = [&targets](const std::vector<uint32_t>& from) {
        targets.insert(targets.end(), from.begin(), from.end());
    };
    switch (r.kind) {
    case frame_class::known:
        if (r.connection < m_connections.size()) {
            targets.push_back(r.connection);
        }
        return;
    case frame_class::broadcast:
        copy(connections_in_vlan(f.vlan));
        return;
    case frame_class::multicast:
        if (const auto it = m_group_members.find(l2_key(f.dst_mac, f.vlan));
            it != m_group_members.end()) {
            copy(it->second);
        } else if (m_any_vlan_groups.count(f.dst_mac) == 0) {
            copy(connections_in_vlan(f.vlan)); // no group: flood the VLAN
        }
        return;
    case frame_class::arp:
        // A request for a known address goes only to its owner, as the owner alone answers;
        // the owner is looked up in the frame's VLAN only.
        if (f.has_arp && f.arp_opcode == arp_op_request && f.has_arp_target_ipv4) {
            if (const auto owner = find_ipv4(f.arp_target_ipv4, f.vlan)) {
                targets.push_back(*owner);
                return;
            }
        }
        copy(connections_in_vlan(f.vlan));
        return;
    case frame_class::unknown:
        if (m_default && m_connections[*m_default].vlan == f.vlan) {
            targets.push_back(*m_default);
        }
        return;
    }
}

const std::vector<uint32_t>&
connection_table::connections_in_vlan(std::optional<uint16_t> vlan) const {
    if (!vlan) {
        return m_vlan_members[0];
    }
    if (*vlan == 0 || *vlan > max_vid) {
        return no_connections;
    }
    return m_vlan_members[*vlan];
}

std::optional<uint32_t> connection_table::find_l2(uint64_t mac,
                                                  std::optional<uint16_t> vlan) const {
    if (!valid_vid(vlan)) { // out-of-range VIDs would alias in the 16-bit key
        return std::nullopt;
    }
    if (const auto it = m_l2.find(l2_key(mac, vlan)); it != m_l2.end()) {
        return it->second;
    }
    return std::nullopt;
}

std::optional<uint32_t> connection_table::find_ipv4(uint32_t addr,
                                                    std::optional<uint16_t> vlan) const {
    if (!valid_vid(vlan)) {
        return std::nullopt;
    }
    if (const auto it = m_ipv4.find(ipv4_key(addr, vlan)); it != m_ipv4.end()) {
        return it->second;
    }
    return std::nullopt;
}

std::optional<uint32_t> connection_table::find_ipv6(const std::array<uint8_t, 16>& addr,
                                                    std::optional<uint16_t> vlan) const {
    if (!valid_vid(vlan)) {
        return std::nullopt;
    }
    if (const auto it = m_ipv6.find(ipv6_key{addr, uint32_t(vlan_key(vlan))}); it != m_ipv6.end()) {
        return it->second;
    }
    return std::nullopt;
}

} // namespace evr::lookup
