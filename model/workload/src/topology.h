// The fixed part of the workload: VMs, VLAN membership, multicast groups, stall episodes.
#pragma once

#include <cstdint>
#include <vector>

#include "evr/workload/builtin_workload.h"

namespace evr::workload::detail {

// VM i: name vm<i> zero-padded to the width of vms-1, VLAN index i % vlans.
std::vector<vm_def> make_vms(const workload_params& p);

// VM indices of each VLAN index, ascending.
std::vector<std::vector<uint32_t>> make_vlan_members(const workload_params& p);

// Group g lives in the g-th (cyclically) VLAN with at least 2 VMs and takes a uniformly
// sized (2..n) uniformly random subset of its n VMs.
std::vector<group_def> make_groups(const workload_params& p,
                                   const std::vector<std::vector<uint32_t>>& vlan_members);

// Warm-up before the first stall of any VM: the FIFO starts empty and steady flow shows first.
inline constexpr uint64_t stall_warmup_ns = 50000;

// The random stream of stalling VM `vm` (VLANs round robin: VM i is in VLAN i % vlans).
uint64_t stall_stream_seed(const workload_params& p, uint32_t vm);

} // namespace evr::workload::detail
