// Every address the workload uses, in one place so the rules in docs/workload.md and the
// code cannot drift apart. VLAN index v = VLAN ID - 100; each VLAN is the subnet 10.v.0.0/16.
#pragma once

#include <cstdint>

namespace evr::workload::detail {

inline constexpr uint64_t broadcast_mac = 0xffffffffffffULL;
inline constexpr uint32_t broadcast_ipv4 = 0xffffffffU; // 255.255.255.255

inline constexpr uint32_t ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return a << 24 | b << 16 | c << 8 | d;
}

// VM i: 02:00:00:00:hi:lo (locally administered unicast, i < 65536).
inline constexpr uint64_t vm_mac(uint32_t i) {
    return 0x020000000000ULL | i;
}

// VM i is host h = i / vlans + 1 of its VLAN: 10.v.h_hi.h_lo, at most 10.v.128.0.
inline constexpr uint32_t vm_ipv4(uint32_t v, uint32_t h) {
    return ipv4(10, v, h >> 8, h & 0xff);
}

// The stations on the wire that send to the VMs: 16 per VLAN, 02:00:00:01:v:r, 10.v.200.r+1.
inline constexpr uint32_t remote_stations = 16;
inline constexpr uint64_t remote_mac(uint32_t v, uint32_t r) {
    return 0x020000010000ULL | uint64_t{v} << 8 | r;
}
inline constexpr uint32_t remote_ipv4(uint32_t v, uint32_t r) {
    return ipv4(10, v, 200, r + 1);
}

// Unknown destinations: 02:00:00:ff:xx:xx and 10.v.250.x belong to nobody, so neither the
// L2 nor the L3 table can resolve them. Non-existent ARP targets use 10.v.250.x too.
inline constexpr uint64_t unknown_mac(uint32_t low16) {
    return 0x020000ff0000ULL | low16;
}
inline constexpr uint32_t unknown_ipv4(uint32_t v, uint32_t x) {
    return ipv4(10, v, 250, x);
}

// Group g: 239.1.g_hi.g_lo+1 and its IANA multicast MAC 01:00:5e + low 23 bits of the address.
inline constexpr uint32_t group_ipv4(uint32_t g) {
    return ipv4(239, 1, 0, 0) + g + 1;
}
inline constexpr uint64_t multicast_mac(uint32_t ip) {
    return 0x01005e000000ULL | (ip & 0x7fffffU);
}

// UDP ports: clients' ephemeral source ports, one destination port per frame kind so a
// capture can be filtered by kind.
inline constexpr uint16_t ephemeral_port_base = 49152;
inline constexpr uint16_t unicast_port = 5001, broadcast_port = 5002, multicast_port = 5003,
                          unknown_port = 5004;

} // namespace evr::workload::detail
