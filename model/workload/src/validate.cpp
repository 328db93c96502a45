#include "validate.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace evr::workload::detail {
namespace {

[[noreturn]] void fail(const std::string& key, const std::string& problem) {
    throw std::invalid_argument("workload." + key + ": " + problem);
}

std::string show(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

void check_fraction(const char* key, double v) {
    if (!(v >= 0.0 && v <= 1.0)) { // also rejects NaN
        fail(key, "must be in [0, 1], got " + show(v));
    }
}

void check_overhead(const char* key, uint32_t v) {
    // Wider than any real PHY; the bound only keeps the wire-bit arithmetic far from overflow.
    if (v > 1024) {
        fail(key, "must be at most 1024 bytes, got " + std::to_string(v));
    }
}

// "imix" -> 0; a plain decimal 60..9216 -> that length.
uint32_t parse_frame_bytes(const std::string& s) {
    if (s == "imix") {
        return 0;
    }
    const std::string problem =
        "must be \"imix\" or a captured length in bytes " + std::to_string(min_frame_bytes) + ".." +
        std::to_string(max_frame_bytes) + " (FCS excluded), got \"" + s + "\"";
    if (s.empty() || s.size() > 5) {
        fail("frame_bytes", problem);
    }
    uint32_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            fail("frame_bytes", problem);
        }
        v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    if (v < min_frame_bytes || v > max_frame_bytes) {
        fail("frame_bytes", problem);
    }
    return v;
}

} // namespace

uint32_t validate(const workload_params& p) {
    if (p.vms < 1 || p.vms > max_vms) {
        fail("vms", "must be in 1.." + std::to_string(max_vms) + ", got " + std::to_string(p.vms));
    }
    if (p.vlans < 1 || p.vlans > max_vlans) {
        fail("vlans",
             "must be in 1.." + std::to_string(max_vlans) + ", got " + std::to_string(p.vlans));
    }
    if (p.vlans > p.vms) {
        fail("vlans", "must not exceed workload.vms (" + std::to_string(p.vms) +
                          ") so that every VLAN has a VM, got " + std::to_string(p.vlans));
    }
    if (p.multicast_groups > max_groups) {
        fail("multicast_groups", "must be at most " + std::to_string(max_groups) + ", got " +
                                     std::to_string(p.multicast_groups));
    }
    // The first VLAN is the fullest, so it alone decides whether any VLAN can hold a group.
    if (p.multicast_groups > 0 && p.vms < p.vlans + 1) {
        fail("multicast_groups", "needs a VLAN with at least 2 VMs (workload.vms > "
                                 "workload.vlans); set it to 0 or add VMs");
    }
    if (p.stalling_vms > p.vms) {
        fail("stalling_vms", "must not exceed workload.vms (" + std::to_string(p.vms) + "), got " +
                                 std::to_string(p.stalling_vms));
    }
    if (p.frames < 1) {
        fail("frames", "must be at least 1");
    }
    if (!(p.load > 0.0 && p.load <= 1.0)) {
        fail("load", "must be in (0, 1] (a fraction of line rate), got " + show(p.load));
    }
    check_fraction("broadcast_fraction", p.broadcast_fraction);
    check_fraction("multicast_fraction", p.multicast_fraction);
    check_fraction("arp_fraction", p.arp_fraction);
    check_fraction("unknown_fraction", p.unknown_fraction);
    const double special =
        p.broadcast_fraction + p.multicast_fraction + p.arp_fraction + p.unknown_fraction;
    if (special > 1.0 + 1e-12) {
        fail("broadcast_fraction", "broadcast_fraction + multicast_fraction + arp_fraction + "
                                   "unknown_fraction must be at most 1, got " +
                                       show(special));
    }
    if (p.multicast_fraction > 0.0 && p.multicast_groups == 0) {
        fail("multicast_fraction",
             "is " + show(p.multicast_fraction) + " but workload.multicast_groups is 0");
    }
    const uint32_t fixed_len = parse_frame_bytes(p.frame_bytes);
    if (!(p.stall_us > 0.0 && p.stall_us <= 1e9)) {
        fail("stall_us", "must be in (0, 1e9] microseconds, got " + show(p.stall_us));
    }
    if (!(p.line_rate_gbps > 0.0 && p.line_rate_gbps <= 1e5)) {
        fail("line_rate_gbps", "must be in (0, 100000], got " + show(p.line_rate_gbps));
    }
    check_overhead("preamble_bytes", p.preamble_bytes);
    check_overhead("ifg_bytes", p.ifg_bytes);
    check_overhead("fcs_bytes", p.fcs_bytes);
    // One frame slot must stay far below 2^63 ns once summed over the run; the pacing pass
    // in the constructor checks the total.
    const double max_bits = 8.0 * (max_frame_bytes + 3 * 1024);
    if (max_bits / (p.line_rate_gbps * p.load) > 0x1.0p40) {
        fail("load", "times workload.line_rate_gbps gives frame gaps over 2^40 ns (load " +
                         show(p.load) + ", line rate " + show(p.line_rate_gbps) + " Gb/s)");
    }
    return fixed_len;
}

} // namespace evr::workload::detail
