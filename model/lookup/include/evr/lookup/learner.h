// Learn mode: without a config, the connections are derived from the trace in a first
// streaming pass, before simulation. The exact rules are in docs/lookup.md, "Learn mode".
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "evr/lookup/connection_def.h"

namespace evr::lookup {

class learner {
public:
    // Learns from one frame; memory grows with distinct destinations, not with frames.
    void observe(const uint8_t* data, uint32_t cap_len);

    // The learned connections in order of first appearance (index = position). No groups
    // and no default connection belong to learn mode.
    std::vector<connection_def> connections() const { return m_connections; }

    std::size_t size() const { return m_connections.size(); }

private:
    std::vector<connection_def> m_connections;
    std::unordered_map<uint64_t, uint32_t> m_index; // (MAC, VLAN) key -> connection
    std::unordered_set<uint32_t> m_owned_ipv4;      // across all VLANs: first seen wins
};

} // namespace evr::lookup
