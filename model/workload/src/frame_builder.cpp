#include "frame_builder.h"

#include <algorithm>
#include <cstring>

#include "random.h"

namespace evr::workload::detail {
namespace {

void put16(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

void put32(uint8_t* p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

void put48(uint8_t* p, uint64_t v) {
    for (int i = 0; i < 6; ++i) {
        p[i] = static_cast<uint8_t>(v >> (8 * (5 - i)));
    }
}

void put64(uint8_t* p, uint64_t v) {
    put32(p, static_cast<uint32_t>(v >> 32));
    put32(p + 4, static_cast<uint32_t>(v));
}

uint16_t fold(uint32_t sum) {
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(sum);
}

// Ethernet header with one 802.1Q tag (PCP 0, DEI 0).
void put_eth_vlan(uint8_t* p, uint64_t dst, uint64_t src, uint16_t vlan, uint16_t ethertype) {
    put48(p, dst);
    put48(p + 6, src);
    put16(p + 12, 0x8100);
    put16(p + 14, vlan & 0x0fff);
    put16(p + 16, ethertype);
}

// As much of the 16-byte marker as fits before cap_len (14 bytes in a 60-byte frame).
void put_marker(uint8_t* buf, uint32_t cap_len, uint64_t index, const marker_spec& m) {
    uint8_t mk[marker_bytes];
    std::memcpy(mk, "EVRW", 4);
    put64(mk + 4, index);
    mk[12] = static_cast<uint8_t>(m.kind);
    mk[13] = marker_version;
    put16(mk + 14, m.seed_tag);
    std::memcpy(buf + marker_offset, mk, std::min(marker_bytes, cap_len - marker_offset));
}

// Bytes after the marker: the SplitMix64 sequence whose state starts at a key of (seed,
// frame), so every frame differs and a byte-exact comparison catches a swapped or corrupted
// payload. Word j depends only on j (no chain), so the words are computed in parallel.
void put_fill(uint8_t* buf, uint32_t cap_len, uint64_t payload_key, uint64_t index) {
    const uint64_t state = splitmix64(payload_key ^ index);
    constexpr uint64_t gamma = 0x9e3779b97f4a7c15ULL;
    uint32_t off = marker_offset + marker_bytes;
    uint64_t j = 0;
    for (; off + 8 <= cap_len; off += 8, ++j) {
        put64(buf + off, splitmix64(state + j * gamma));
    }
    if (off < cap_len) {
        uint8_t word[8];
        put64(word, splitmix64(state + j * gamma));
        std::memcpy(buf + off, word, cap_len - off);
    }
}

} // namespace

uint32_t ones_sum(const uint8_t* p, uint32_t n, uint32_t sum) {
    // RFC 1071 sec. 2: the one's-complement sum may be taken over wider words and in the
    // host's byte order, then folded and byte-swapped once. This loop is a large part of
    // next()'s time, and byte-wise big-endian 16-bit words were 4x slower.
    uint64_t native = 0;
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        native += (w & 0xffffffffU) + (w >> 32); // < 2^33 per step: no overflow below 2^31 words
    }
    while (native >> 16) {
        native = (native & 0xffff) + (native >> 16);
    }
    const uint16_t probe = 1;
    uint8_t first_byte;
    std::memcpy(&first_byte, &probe, 1);
    uint64_t acc = sum;
    acc += first_byte == 1 ? ((native & 0xff) << 8 | native >> 8) : native; // little endian
    for (; i + 1 < n; i += 2) {
        acc += uint32_t{p[i]} << 8 | p[i + 1];
    }
    if (i < n) {
        acc += uint32_t{p[i]} << 8;
    }
    while (acc >> 16) {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    return static_cast<uint32_t>(acc);
}

void write_udp_frame(uint8_t* buf, uint32_t cap_len, const udp_spec& s, uint64_t index,
                     const marker_spec& m, uint64_t payload_key) {
    put_eth_vlan(buf, s.dst_mac, s.src_mac, s.vlan, 0x0800);
    uint8_t* ip = buf + eth_vlan_header_bytes;
    const uint32_t ip_len = cap_len - eth_vlan_header_bytes;
    ip[0] = 0x45; // IPv4, 20-byte header
    ip[1] = 0;    // DSCP/ECN
    put16(ip + 2, ip_len);
    put16(ip + 4, s.ip_id);
    put16(ip + 6, 0x4000); // DF: nothing here is ever fragmented
    ip[8] = 64;            // TTL
    ip[9] = 17;            // UDP
    put16(ip + 10, 0);
    put32(ip + 12, s.src_ip);
    put32(ip + 16, s.dst_ip);
    put16(ip + 10, static_cast<uint16_t>(~fold(ones_sum(ip, ipv4_header_bytes))));

    uint8_t* udp = ip + ipv4_header_bytes;
    const uint32_t udp_len = ip_len - ipv4_header_bytes;
    put16(udp, s.src_port);
    put16(udp + 2, s.dst_port);
    put16(udp + 4, udp_len);
    put16(udp + 6, 0);
    put_marker(buf, cap_len, index, m);
    put_fill(buf, cap_len, payload_key, index);

    // Pseudo header (src, dst, zero + protocol, UDP length), then header and payload.
    uint32_t sum = ones_sum(ip + 12, 8);
    sum += 17 + udp_len;
    const uint16_t c = static_cast<uint16_t>(~fold(ones_sum(udp, udp_len, sum)));
    put16(udp + 6, c == 0 ? 0xffff : c); // 0 would mean "no checksum"
}

void write_arp_request(uint8_t* buf, const arp_spec& s, uint64_t index, const marker_spec& m) {
    put_eth_vlan(buf, 0xffffffffffffULL, s.src_mac, s.vlan, 0x0806);
    uint8_t* a = buf + eth_vlan_header_bytes;
    put16(a, 1); // hardware type Ethernet
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, 1); // request
    put48(a + 8, s.src_mac);
    put32(a + 14, s.sender_ip);
    put48(a + 18, 0); // target hardware address: unknown, that is the question
    put32(a + 24, s.target_ip);
    put_marker(buf, 60, index, m);
}

} // namespace evr::workload::detail
