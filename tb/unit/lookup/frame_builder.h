// Builds test frames byte by byte, so every test shows exactly what is on the wire.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "evr/lookup/parsed_frame.h"

namespace evr::lookup::test {

using bytes = std::vector<uint8_t>;

struct tag {
    uint16_t tpid;
    uint16_t vid;
};

inline constexpr uint64_t any_src = 0x02'00'00'00'00'99ULL;

inline void put16(bytes& b, uint16_t v) {
    b.push_back(static_cast<uint8_t>(v >> 8));
    b.push_back(static_cast<uint8_t>(v));
}

inline void put32(bytes& b, uint32_t v) {
    put16(b, static_cast<uint16_t>(v >> 16));
    put16(b, static_cast<uint16_t>(v));
}

inline void put48(bytes& b, uint64_t v) {
    put16(b, static_cast<uint16_t>(v >> 32));
    put32(b, static_cast<uint32_t>(v));
}

// Ethernet header: dst, src, the tags outer first (PCP 5 so priority bits are exercised),
// then the ethertype.
inline bytes l2(uint64_t dst, const std::vector<tag>& tags, uint16_t type) {
    bytes b;
    put48(b, dst);
    put48(b, any_src);
    for (const tag& t : tags) {
        put16(b, t.tpid);
        put16(b, static_cast<uint16_t>((5u << 13) | t.vid));
    }
    put16(b, type);
    return b;
}

// Pads to the 60-byte minimum (without FCS) as a NIC would.
inline bytes& pad(bytes& b) {
    while (b.size() < 60) {
        b.push_back(0);
    }
    return b;
}

inline bytes ipv4_frame(uint64_t dst, const std::vector<tag>& tags, uint32_t ip_dst) {
    bytes b = l2(dst, tags, ethertype_ipv4);
    put16(b, 0x4500);     // version 4, IHL 5, DSCP 0
    put16(b, 20 + 8);     // total length
    put32(b, 0);          // id, flags, fragment offset
    put16(b, 0x4011);     // TTL 64, UDP
    put16(b, 0);          // checksum (not checked)
    put32(b, 0x0a000063); // src 10.0.0.99
    put32(b, ip_dst);
    put32(b, 0x30393039); // UDP ports
    put32(b, 0x00080000); // UDP length, checksum
    return pad(b);
}

inline bytes ipv6_frame(uint64_t dst, const std::vector<tag>& tags,
                        const std::array<uint8_t, 16>& ip_dst) {
    bytes b = l2(dst, tags, ethertype_ipv6);
    put32(b, 0x60000000); // version 6
    put16(b, 8);          // payload length
    put16(b, 0x1140);     // next header UDP, hop limit 64
    for (int i = 0; i < 16; ++i) {
        b.push_back(i == 0 ? 0xfe : (i == 1 ? 0x80 : 0)); // src fe80::
    }
    b.insert(b.end(), ip_dst.begin(), ip_dst.end());
    put32(b, 0x30393039);
    put32(b, 0x00080000);
    return pad(b);
}

inline bytes arp_frame(uint64_t dst, const std::vector<tag>& tags, uint16_t op, uint32_t tpa) {
    bytes b = l2(dst, tags, ethertype_arp);
    put16(b, 1);              // htype Ethernet
    put16(b, ethertype_ipv4); // ptype IPv4
    b.push_back(6);
    b.push_back(4);
    put16(b, op);
    put48(b, any_src);
    put32(b, 0x0a000063); // sender 10.0.0.99
    put48(b, op == arp_op_request ? 0 : dst);
    put32(b, tpa);
    return pad(b);
}

inline std::array<uint8_t, 16> ipv6_addr(uint8_t last) {
    std::array<uint8_t, 16> a{0x20, 0x01, 0x0d, 0xb8};
    a[15] = last;
    return a;
}

inline parsed_frame parse(const bytes& b) {
    return parse_headers(b.data(), static_cast<uint32_t>(b.size()));
}

} // namespace evr::lookup::test
