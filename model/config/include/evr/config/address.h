// MAC, IPv4 and IPv6 address types of the configuration, with text conversions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace evr::config {

using mac_address = std::array<std::uint8_t, 6>;   // wire order
using ipv4_address = std::uint32_t;                // host order: 10.0.0.1 == 0x0a000001
using ipv6_address = std::array<std::uint8_t, 16>; // network order

// Parsers return nullopt for text that is not an address of that kind.
std::optional<mac_address> parse_mac(const std::string& text); // "02:00:00:00:00:01"
std::optional<ipv4_address> parse_ipv4(const std::string& text);
std::optional<ipv6_address> parse_ipv6(const std::string& text);

std::string format_mac(const mac_address& mac); // lower-case, colon separated
std::string format_ipv4(ipv4_address ip);
std::string format_ipv6(const ipv6_address& ip); // RFC 5952 compressed form

// The I/G bit (bit 0 of the first octet): set for group (multicast, broadcast) addresses.
inline bool is_group_mac(const mac_address& mac) {
    return (mac[0] & 1u) != 0;
}
inline bool is_broadcast_mac(const mac_address& mac) {
    return mac == mac_address{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
}

// The address as a 48-bit integer (first octet most significant), handy as a table key.
std::uint64_t mac_to_u64(const mac_address& mac);

} // namespace evr::config
