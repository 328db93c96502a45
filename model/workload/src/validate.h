// Checks of workload_params, one message per bad key (docs/workload.md lists the limits).
#pragma once

#include "evr/workload/builtin_workload.h"

namespace evr::workload::detail {

inline constexpr uint32_t max_vms = 32768; // keeps host numbers inside 10.v.0.1 .. 10.v.128.0
inline constexpr uint32_t max_vlans = 256; // the VLAN index is the second IPv4 octet
inline constexpr uint32_t max_groups = 4096;
inline constexpr uint32_t min_frame_bytes = 60;
inline constexpr uint32_t max_frame_bytes = 9216;
inline constexpr uint16_t first_vlan_id = 100;

// Throws std::invalid_argument("workload.KEY: PROBLEM") on the first bad value. Returns the
// fixed captured frame length, or 0 for imix.
uint32_t validate(const workload_params& p);

} // namespace evr::workload::detail
