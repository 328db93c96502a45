// Writes real frames: Ethernet II + 802.1Q + IPv4 + UDP, or an ARP request, into a buffer.
#pragma once

#include <cstdint>

#include "evr/workload/builtin_workload.h"

namespace evr::workload::detail {

inline constexpr uint32_t eth_vlan_header_bytes = 18; // dst, src, 8100 + TCI, ethertype
inline constexpr uint32_t ipv4_header_bytes = 20;
inline constexpr uint32_t udp_header_bytes = 8;

struct udp_spec {
    uint64_t dst_mac, src_mac;
    uint16_t vlan;
    uint32_t src_ip, dst_ip;
    uint16_t src_port, dst_port;
    uint16_t ip_id;
};

struct arp_spec {
    uint64_t src_mac;
    uint16_t vlan;
    uint32_t sender_ip, target_ip;
};

// The marker fields other than the index, shared by every frame of a workload.
struct marker_spec {
    frame_kind kind;
    uint16_t seed_tag;
};

// A complete UDP frame of `cap_len` bytes (>= 60): headers, marker, deterministic payload
// from (payload_key, index), IPv4 header checksum and UDP checksum.
void write_udp_frame(uint8_t* buf, uint32_t cap_len, const udp_spec& s, uint64_t index,
                     const marker_spec& m, uint64_t payload_key);

// A 60-byte ARP request (opcode 1, target hardware address zero); the marker in the padding.
void write_arp_request(uint8_t* buf, const arp_spec& s, uint64_t index, const marker_spec& m);

// RFC 1071 one's-complement sum of `n` bytes as big-endian 16-bit words, not complemented.
uint32_t ones_sum(const uint8_t* p, uint32_t n, uint32_t sum = 0);

} // namespace evr::workload::detail
