// The header fields the router's parser (patent block 205) extracts from one frame, and the
// function that extracts them. See docs/lookup.md, "Header parsing".
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace evr::lookup {

inline constexpr uint32_t eth_header_len = 14; // dst, src, ethertype
inline constexpr uint16_t ethertype_ipv4 = 0x0800;
inline constexpr uint16_t ethertype_arp = 0x0806;
inline constexpr uint16_t ethertype_ipv6 = 0x86dd;
inline constexpr uint16_t arp_op_request = 1;
inline constexpr uint64_t broadcast_mac = 0xffff'ffff'ffffULL;
// More tags than this are not parsed, so the per-frame work stays bounded on any bytes.
inline constexpr uint8_t max_vlan_tags = 8;

// Every field is valid only when its flag says so; a header that does not fit in cap_len
// leaves its flag false. MAC addresses are 48-bit values, first octet in bits 47..40; IPv4
// addresses are numeric values (10.0.0.1 == 0x0a000001).
struct parsed_frame {
    bool runt = true;          // cap_len < 14: nothing else is valid
    bool is_broadcast = false; // dst == ff:ff:ff:ff:ff:ff
    bool is_multicast = false; // dst I/G bit set and not broadcast
    uint64_t dst_mac = 0;
    uint64_t src_mac = 0;

    // VLAN tags (TPID 0x8100, 0x88a8 or 0x9100) counted only when all 4 bytes are present.
    uint8_t vlan_tags = 0;
    // The outer tag's TPID is present but its TCI is cut off: the frame's VLAN cannot be
    // known, so the lookup never delivers it (VLAN isolation).
    bool vlan_unknown = false;
    // The frame's VLAN: the outer tag's VID; none when untagged or when the outer VID is 0
    // (a priority tag). Inner (QinQ customer) tags never define the VLAN.
    std::optional<uint16_t> vlan;

    bool has_ethertype = false; // the 2 bytes after the last tag are present
    uint16_t ethertype = 0;
    uint32_t l3_offset = 0; // where the L3 header starts (valid with has_ethertype)

    bool has_ipv4 = false; // version 4, IHL >= 5, 20 header bytes present
    uint32_t ipv4_dst = 0;

    bool has_ipv6 = false; // version 6, 40 header bytes present
    std::array<uint8_t, 16> ipv6_dst{};

    bool has_arp = false; // the 8-byte fixed ARP header is present
    uint16_t arp_opcode = 0;
    // IPv4-over-Ethernet ARP (htype 1, ptype 0x0800, hlen 6, plen 4), all 28 bytes present.
    bool has_arp_target_ipv4 = false;
    uint32_t arp_target_ipv4 = 0;
};

// Parses the headers of one frame. Reads nothing at or beyond data[cap_len] (data may be
// null when cap_len is 0), never allocates, and accepts arbitrary bytes.
parsed_frame parse_headers(const uint8_t* data, uint32_t cap_len);

// Addresses a host can own: not 0.0.0.0, not multicast (224.0.0.0/4), not 255.255.255.255.
bool is_unicast_ipv4(uint32_t addr);
// Addresses a host can own: not :: and not multicast (ff00::/8).
bool is_unicast_ipv6(const std::array<uint8_t, 16>& addr);

} // namespace evr::lookup
