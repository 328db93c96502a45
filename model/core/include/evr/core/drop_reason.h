// Why a frame (or one copy of it) was not delivered. Every frame the router does not
// deliver carries exactly one of these (docs/evrsim.md).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace evr::core {

enum class drop_reason : std::uint8_t {
    runt,                // shorter than an Ethernet header (at the adapter)
    oversize,            // longer than mac.max_frame_bytes (at the adapter)
    rx_overflow,         // receive buffer or addrq full (at the adapter)
    no_buffer,           // store engine found no free buffer of a fitting class
    no_indirect,         // assist engine found no free indirect buffer for a copy
    no_resources,        // policy drop: the connection had no posted receive buffer
    unknown_destination, // no connection and no default connection
    no_member,           // broadcast/multicast with no member in its VLAN
    parked,              // still in the data store when the run ended
};

inline constexpr std::size_t drop_reason_count = 9;

inline constexpr std::array<std::string_view, drop_reason_count> drop_reason_names = {
    "runt",        "oversize",     "rx_overflow",         "no_buffer",
    "no_indirect", "no_resources", "unknown_destination", "no_member",
    "parked"};

inline std::string_view to_string(drop_reason r) {
    return drop_reason_names[static_cast<std::size_t>(r)];
}

} // namespace evr::core
