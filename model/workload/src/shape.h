// The per-frame draws that decide timing (kind and size), and the pacing clock. They come
// from a stream of their own so the constructor can replay them to know the duration.
#pragma once

#include <cmath>
#include <cstdint>

#include "evr/workload/builtin_workload.h"
#include "random.h"

namespace evr::workload::detail {

// ARP requests are always the 60-byte minimum: 18 bytes of Ethernet + 802.1Q header, 28 of
// ARP, then padding (which carries the marker).
inline constexpr uint32_t arp_frame_bytes = 60;

struct shape {
    frame_kind kind;
    uint32_t cap_len;
};

// Cumulative kind thresholds and the size rule, fixed at construction.
struct shape_rule {
    double bcast, mcast, arp, unknown; // cumulative upper bounds in [0, 1]
    uint32_t fixed_len;                // 0: imix
};

inline shape_rule make_shape_rule(const workload_params& p, uint32_t fixed_len) {
    shape_rule r{};
    r.bcast = p.broadcast_fraction;
    r.mcast = r.bcast + p.multicast_fraction;
    r.arp = r.mcast + p.arp_fraction;
    r.unknown = r.arp + p.unknown_fraction;
    r.fixed_len = fixed_len;
    return r;
}

// Exactly two engine outputs per frame (plus a rejection with probability ~1e-18), so the
// replay in the constructor and next() stay in step.
inline shape draw_shape(std::mt19937_64& rng, const shape_rule& r) {
    const double u = uniform01(rng);
    const uint64_t s = uniform_below(rng, 12);
    frame_kind k = frame_kind::unicast;
    if (u < r.bcast) {
        k = frame_kind::broadcast;
    } else if (u < r.mcast) {
        k = frame_kind::multicast;
    } else if (u < r.arp) {
        k = frame_kind::arp;
    } else if (u < r.unknown) {
        k = frame_kind::unknown;
    }
    if (k == frame_kind::arp) {
        return {k, arp_frame_bytes};
    }
    if (r.fixed_len != 0) {
        return {k, r.fixed_len};
    }
    // Simple IMIX 7:4:1 of 64/594/1518 bytes on the wire with FCS = 60/590/1514 captured.
    return {k, s < 7 ? 60u : s < 11 ? 590u : 1514u};
}

// Time one frame occupies on the line at `load`, split into whole ns and a 32-bit binary
// fraction. Division and rounding are IEEE-exact, so every platform gets the same numbers;
// carrying the fraction keeps the long-run rate exact.
struct gap {
    uint64_t whole;
    uint64_t frac; // units of 2^-32 ns, < 2^32
};

inline gap frame_gap(const workload_params& p, uint32_t cap_len) {
    const uint64_t wire_bytes = uint64_t{cap_len} + p.fcs_bytes + p.preamble_bytes + p.ifg_bytes;
    const double ns = static_cast<double>(wire_bytes * 8) / (p.line_rate_gbps * p.load);
    const double whole = std::floor(ns);
    gap g{static_cast<uint64_t>(whole),
          static_cast<uint64_t>(std::llround((ns - whole) * 0x1.0p32))};
    if (g.frac >= (uint64_t{1} << 32)) {
        g.whole += 1;
        g.frac -= uint64_t{1} << 32;
    }
    return g;
}

// Adds `g` to the clock (whole, frac).
inline void advance(uint64_t& whole, uint64_t& frac, const gap& g) {
    whole += g.whole;
    frac += g.frac;
    if (frac >= (uint64_t{1} << 32)) {
        whole += 1;
        frac -= uint64_t{1} << 32;
    }
}

// The clock rounded to the nearest ns, halves up.
inline uint64_t rounded_ns(uint64_t whole, uint64_t frac) {
    return whole + (frac >= (uint64_t{1} << 31) ? 1 : 0);
}

} // namespace evr::workload::detail
