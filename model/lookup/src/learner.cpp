// Learn mode. The rules are chosen to be reproducible: the same trace always yields the same
// connections, names, indices and address ownership.
#include "evr/lookup/learner.h"

#include "evr/lookup/mac.h"
#include "evr/lookup/parsed_frame.h"

namespace evr::lookup {

void learner::observe(const uint8_t* data, uint32_t cap_len) {
    const parsed_frame f = parse_headers(data, cap_len);
    // Runts have no destination; a frame whose outer tag is cut off has no known VLAN, and
    // the lookup drops it anyway. Broadcast and multicast name no single destination.
    if (f.runt || f.vlan_unknown || f.is_broadcast || f.is_multicast) {
        return;
    }
    const uint64_t key = (f.dst_mac << 16) | (f.vlan ? (0x8000U | *f.vlan) : 0U);
    auto [it, fresh] = m_index.emplace(key, static_cast<uint32_t>(m_connections.size()));
    if (fresh) {
        connection_def c;
        c.name = learned_name(f.dst_mac, f.vlan);
        c.mac = f.dst_mac;
        c.vlan = f.vlan;
        m_connections.push_back(std::move(c));
    }
    // Only addresses a host can own; an address seen first at another connection stays
    // there, so replaying the trace in order always gives the same owner.
    if (f.has_ipv4 && is_unicast_ipv4(f.ipv4_dst) && m_owned_ipv4.insert(f.ipv4_dst).second) {
        m_connections[it->second].ipv4.push_back(f.ipv4_dst);
    }
}

} // namespace evr::lookup
