// Header parsing for the parser engine. Every read is bounds-checked against cap_len first
// because a fuzzer and truncated (sliced) captures feed arbitrary bytes.
#include "evr/lookup/parsed_frame.h"

namespace evr::lookup {
namespace {

uint16_t be16(const uint8_t* p) {
    return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint64_t be48(const uint8_t* p) {
    return (uint64_t{be16(p)} << 32) | be32(p + 2);
}

bool is_vlan_tpid(uint16_t type) {
    return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

void parse_ipv4(const uint8_t* l3, uint32_t avail, parsed_frame& f) {
    constexpr uint32_t min_header = 20;
    if (avail < min_header) {
        return;
    }
    // A wrong version or an IHL below the minimum is a malformed header: leave it unparsed
    // rather than steer the frame by garbage.
    if ((l3[0] >> 4) != 4 || (l3[0] & 0x0f) < 5) {
        return;
    }
    f.has_ipv4 = true;
    f.ipv4_dst = be32(l3 + 16);
}

void parse_ipv6(const uint8_t* l3, uint32_t avail, parsed_frame& f) {
    constexpr uint32_t header = 40;
    if (avail < header || (l3[0] >> 4) != 6) {
        return;
    }
    f.has_ipv6 = true;
    for (int i = 0; i < 16; ++i) {
        f.ipv6_dst[i] = l3[24 + i];
    }
}

void parse_arp(const uint8_t* l3, uint32_t avail, parsed_frame& f) {
    constexpr uint32_t fixed = 8;
    constexpr uint32_t ipv4_over_ethernet = 28;
    if (avail < fixed) {
        return;
    }
    f.has_arp = true;
    f.arp_opcode = be16(l3 + 6);
    const bool ether_ipv4 =
        be16(l3) == 1 && be16(l3 + 2) == ethertype_ipv4 && l3[4] == 6 && l3[5] == 4;
    if (ether_ipv4 && avail >= ipv4_over_ethernet) {
        f.has_arp_target_ipv4 = true;
        f.arp_target_ipv4 = be32(l3 + 24);
    }
}

} // namespace

parsed_frame parse_headers(const uint8_t* data, uint32_t cap_len) {
    parsed_frame f;
    if (data == nullptr || cap_len < eth_header_len) {
        return f;
    }
    f.runt = false;
    f.dst_mac = be48(data);
    f.src_mac = be48(data + 6);
    f.is_broadcast = f.dst_mac == broadcast_mac;
    f.is_multicast = !f.is_broadcast && ((f.dst_mac >> 40) & 1) != 0;

    // `off` is where the next type field starts; cap_len >= 14 makes the first one readable.
    uint32_t off = 12;
    uint16_t type = be16(data + off);
    while (is_vlan_tpid(type) && f.vlan_tags < max_vlan_tags) {
        if (cap_len < off + 4) {
            // The TCI is cut off. Only the outer tag decides the VLAN, so only then is the
            // VLAN unknown; an inner cut-off tag just ends parsing.
            f.vlan_unknown = f.vlan_tags == 0;
            return f;
        }
        const uint16_t vid = be16(data + off + 2) & 0x0fff;
        if (f.vlan_tags == 0 && vid != 0) {
            f.vlan = vid;
        }
        ++f.vlan_tags;
        off += 4;
        if (cap_len < off + 2) {
            return f;
        }
        type = be16(data + off);
    }
    f.has_ethertype = true;
    f.ethertype = type;
    f.l3_offset = off + 2;

    const uint8_t* l3 = data + f.l3_offset;
    const uint32_t avail = cap_len - f.l3_offset;
    switch (type) {
    case ethertype_ipv4:
        parse_ipv4(l3, avail, f);
        break;
    case ethertype_ipv6:
        parse_ipv6(l3, avail, f);
        break;
    case ethertype_arp:
        parse_arp(l3, avail, f);
        break;
    default:
        break;
    }
    return f;
}

bool is_unicast_ipv4(uint32_t addr) {
    return addr != 0 && (addr >> 28) != 0xe && addr != 0xffff'ffffU;
}

bool is_unicast_ipv6(const std::array<uint8_t, 16>& addr) {
    if (addr[0] == 0xff) {
        return false;
    }
    for (uint8_t b : addr) {
        if (b != 0) {
            return true;
        }
    }
    return false;
}

} // namespace evr::lookup
