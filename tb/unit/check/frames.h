// Frames for the checker tests, built byte by byte (independently of evr_workload and the
// lookup tests' builder, so the checker is not tested with the code it checks).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

namespace evr::check::test {

using bytes = std::vector<std::uint8_t>;

inline void put16(bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(bytes& b, std::uint32_t v) {
    put16(b, static_cast<std::uint16_t>(v >> 16));
    put16(b, static_cast<std::uint16_t>(v));
}
inline void put_mac(bytes& b, std::uint64_t mac) {
    for (int s = 40; s >= 0; s -= 8)
        b.push_back(static_cast<std::uint8_t>(mac >> s));
}

constexpr std::uint64_t bcast = 0xffffffffffffULL;
constexpr std::uint64_t src_mac = 0x0a0000000099ULL;

// Ethernet header: dst, src, then one tag (TPID, VID) per entry of `tags`, then the type.
inline bytes eth(std::uint64_t dst,
                 std::initializer_list<std::pair<std::uint16_t, std::uint16_t>> tags,
                 std::uint16_t type) {
    bytes b;
    put_mac(b, dst);
    put_mac(b, src_mac);
    for (auto [tpid, vid] : tags) {
        put16(b, tpid);
        put16(b, vid); // PCP/DEI 0
    }
    put16(b, type);
    return b;
}

// A frame with an optional single 802.1Q tag and a filler payload up to 64 bytes.
inline bytes plain(std::uint64_t dst, std::optional<std::uint16_t> vid,
                   std::uint16_t type = 0x88b5) {
    bytes b = vid ? eth(dst, {{0x8100, *vid}}, type) : eth(dst, {}, type);
    for (std::uint8_t i = 0; b.size() < 64; ++i)
        b.push_back(i);
    return b;
}

inline bytes ipv4(std::uint64_t dst, std::optional<std::uint16_t> vid, std::uint32_t dst_ip,
                  std::uint8_t ver_ihl = 0x45) {
    bytes b = vid ? eth(dst, {{0x8100, *vid}}, 0x0800) : eth(dst, {}, 0x0800);
    b.push_back(ver_ihl);
    b.push_back(0);
    put16(b, 46);
    put32(b, 0);
    b.push_back(64);
    b.push_back(17);
    put16(b, 0);
    put32(b, 0x0a0000fe);
    put32(b, dst_ip);
    while (b.size() < 64)
        b.push_back(0x5a);
    return b;
}

inline bytes ipv6(std::uint64_t dst, std::optional<std::uint16_t> vid,
                  const std::array<std::uint8_t, 16>& dst_ip) {
    bytes b = vid ? eth(dst, {{0x8100, *vid}}, 0x86dd) : eth(dst, {}, 0x86dd);
    put32(b, 0x60000000);
    put16(b, 8);
    b.push_back(17);
    b.push_back(64);
    for (int i = 0; i < 16; ++i)
        b.push_back(i == 0 ? 0xfd : 0x11);
    b.insert(b.end(), dst_ip.begin(), dst_ip.end());
    for (int i = 0; i < 8; ++i)
        b.push_back(0);
    return b;
}

inline bytes arp(std::uint64_t dst, std::optional<std::uint16_t> vid, std::uint16_t op,
                 std::uint32_t target_ip) {
    bytes b = vid ? eth(dst, {{0x8100, *vid}}, 0x0806) : eth(dst, {}, 0x0806);
    put16(b, 1);      // htype Ethernet
    put16(b, 0x0800); // ptype IPv4
    b.push_back(6);
    b.push_back(4);
    put16(b, op);
    put_mac(b, src_mac);
    put32(b, 0x0a0000fe);
    put_mac(b, op == 1 ? 0 : bcast);
    put32(b, target_ip);
    while (b.size() < 60)
        b.push_back(0);
    return b;
}

} // namespace evr::check::test
