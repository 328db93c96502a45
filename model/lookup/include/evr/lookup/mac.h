// Text forms of MAC addresses and of the connection names learn mode derives from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace evr::lookup {

// "aa-bb-cc-dd-ee-ff", lower-case hex, first octet from bits 47..40.
std::string format_mac(uint64_t mac);

// The learn-mode connection name: "aa-bb-cc-dd-ee-ff" untagged, "aa-bb-cc-dd-ee-ff.v<vid>"
// (decimal VID) in a VLAN.
std::string learned_name(uint64_t mac, std::optional<uint16_t> vlan);

} // namespace evr::lookup
