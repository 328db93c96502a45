// MAC text forms; used when a connection is learned or named in an error, never per frame.
#include "evr/lookup/mac.h"

namespace evr::lookup {

std::string format_mac(uint64_t mac) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(17);
    for (int octet = 5; octet >= 0; --octet) {
        const auto v = static_cast<unsigned>((mac >> (8 * octet)) & 0xff);
        s += hex[v >> 4];
        s += hex[v & 0xf];
        if (octet != 0) {
            s += '-';
        }
    }
    return s;
}

std::string learned_name(uint64_t mac, std::optional<uint16_t> vlan) {
    std::string s = format_mac(mac);
    if (vlan) {
        s += ".v" + std::to_string(*vlan);
    }
    return s;
}

} // namespace evr::lookup
