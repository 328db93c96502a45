#include "frame_parser.h"

namespace evr::workload::test {
namespace {

uint32_t be(const uint8_t* p, int n) {
    uint32_t v = 0;
    for (int i = 0; i < n; ++i) {
        v = v << 8 | p[i];
    }
    return v;
}

uint64_t mac_at(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 6; ++i) {
        v = v << 8 | p[i];
    }
    return v;
}

// Sum of 16-bit words, folded at the end; 64-bit so no intermediate folding is needed.
uint64_t word_sum(const uint8_t* p, uint32_t n) {
    uint64_t s = 0;
    for (uint32_t i = 0; i < n; ++i) {
        s += (i % 2 == 0) ? uint64_t{p[i]} << 8 : p[i];
    }
    return s;
}

bool sums_to_ffff(uint64_t s) {
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return s == 0xffff;
}

void parse_marker(parsed_frame& f, const uint8_t* p, uint32_t len) {
    if (len < 46 + 12 || p[46] != 'E' || p[47] != 'V' || p[48] != 'R' || p[49] != 'W') {
        return;
    }
    f.marker_ok = true;
    f.marker_index = uint64_t{be(p + 50, 4)} << 32 | be(p + 54, 4);
    if (len > 58) {
        f.marker_kind = p[58];
    }
}

} // namespace

parsed_frame parse_frame(const uint8_t* p, uint32_t len) {
    parsed_frame f;
    if (len < 60) {
        f.error = "shorter than 60 bytes";
        return f;
    }
    f.dst_mac = mac_at(p);
    f.src_mac = mac_at(p + 6);
    uint32_t off = 12;
    if (be(p + off, 2) == 0x8100) {
        f.tagged = true;
        f.vlan = static_cast<uint16_t>(be(p + 14, 2) & 0xfff);
        off = 16;
    }
    f.ethertype = static_cast<uint16_t>(be(p + off, 2));
    const uint8_t* l3 = p + off + 2;
    const uint32_t l3_len = len - (off + 2);
    if (f.ethertype == 0x0806) {
        if (be(l3, 2) != 1 || be(l3 + 2, 2) != 0x0800 || l3[4] != 6 || l3[5] != 4) {
            f.error = "ARP is not Ethernet/IPv4";
            return f;
        }
        f.arp_op = static_cast<uint16_t>(be(l3 + 6, 2));
        f.arp_sha = mac_at(l3 + 8);
        f.arp_spa = be(l3 + 14, 4);
        f.arp_tpa = be(l3 + 24, 4);
        parse_marker(f, p, len);
        return f;
    }
    if (f.ethertype != 0x0800) {
        f.error = "neither IPv4 nor ARP";
        return f;
    }
    if (l3[0] != 0x45) {
        f.error = "IPv4 version/IHL is not 0x45";
        return f;
    }
    f.ip_total_len = static_cast<uint16_t>(be(l3 + 2, 2));
    if (f.ip_total_len != l3_len) {
        f.error = "IPv4 total length does not match the frame";
        return f;
    }
    f.ip_checksum_ok = sums_to_ffff(word_sum(l3, 20));
    f.ip_src = be(l3 + 12, 4);
    f.ip_dst = be(l3 + 16, 4);
    if (l3[9] != 17) {
        f.error = "not UDP";
        return f;
    }
    const uint8_t* udp = l3 + 20;
    f.udp_src = static_cast<uint16_t>(be(udp, 2));
    f.udp_dst = static_cast<uint16_t>(be(udp + 2, 2));
    f.udp_len = static_cast<uint16_t>(be(udp + 4, 2));
    if (f.udp_len != f.ip_total_len - 20u) {
        f.error = "UDP length does not match IPv4 total length";
        return f;
    }
    // Pseudo header: src, dst, protocol, UDP length.
    const uint64_t pseudo = word_sum(l3 + 12, 8) + 17 + f.udp_len;
    f.udp_checksum_ok = be(udp + 6, 2) != 0 && sums_to_ffff(pseudo + word_sum(udp, f.udp_len));
    parse_marker(f, p, len);
    return f;
}

} // namespace evr::workload::test
