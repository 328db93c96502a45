// Address text conversions; inet_pton/inet_ntop do the IP work.
#include "evr/config/address.h"

#include <arpa/inet.h>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace evr::config {

std::optional<mac_address> parse_mac(const std::string& text) {
    // Exactly six two-digit hex groups separated by ':' (17 characters).
    if (text.size() != 17)
        return std::nullopt;
    mac_address mac{};
    for (std::size_t i = 0; i < 6; ++i) {
        const char hi = text[i * 3];
        const char lo = text[i * 3 + 1];
        if (!std::isxdigit(static_cast<unsigned char>(hi)) ||
            !std::isxdigit(static_cast<unsigned char>(lo)))
            return std::nullopt;
        if (i < 5 && text[i * 3 + 2] != ':')
            return std::nullopt;
        auto nibble = [](char c) {
            return static_cast<std::uint8_t>(
                std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10);
        };
        mac[i] = static_cast<std::uint8_t>(nibble(hi) << 4 | nibble(lo));
    }
    return mac;
}

std::optional<ipv4_address> parse_ipv4(const std::string& text) {
    in_addr a{};
    if (inet_pton(AF_INET, text.c_str(), &a) != 1)
        return std::nullopt;
    return ntohl(a.s_addr);
}

std::optional<ipv6_address> parse_ipv6(const std::string& text) {
    in6_addr a{};
    if (inet_pton(AF_INET6, text.c_str(), &a) != 1)
        return std::nullopt;
    ipv6_address out{};
    std::memcpy(out.data(), &a, out.size());
    return out;
}

std::string format_mac(const mac_address& mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

std::string format_ipv4(ipv4_address ip) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xffu, (ip >> 8) & 0xffu,
                  ip & 0xffu);
    return buf;
}

std::string format_ipv6(const ipv6_address& ip) {
    in6_addr a{};
    std::memcpy(&a, ip.data(), ip.size());
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof buf);
    return buf;
}

std::uint64_t mac_to_u64(const mac_address& mac) {
    std::uint64_t v = 0;
    for (std::uint8_t b : mac)
        v = v << 8 | b;
    return v;
}

} // namespace evr::config
