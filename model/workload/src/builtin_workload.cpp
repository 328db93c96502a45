#include "evr/workload/builtin_workload.h"

#include <stdexcept>

#include "addressing.h"
#include "frame_builder.h"
#include "random.h"
#include "shape.h"
#include "topology.h"
#include "validate.h"

namespace evr::workload {

using namespace detail;

namespace {

constexpr uint64_t shape_stream = 1;
constexpr uint64_t detail_stream = 2;
constexpr uint64_t payload_stream = 4;

// Replays the shape stream once: O(frames) time, O(1) memory, a few ns per frame.
uint64_t pacing_span(const workload_params& p, uint32_t fixed_len, std::mt19937_64 rng) {
    const shape_rule rule = make_shape_rule(p, fixed_len);
    uint64_t whole = 0, frac = 0;
    for (uint64_t i = 0; i < p.frames; ++i) {
        advance(whole, frac, frame_gap(p, draw_shape(rng, rule).cap_len));
        if (whole >= (uint64_t{1} << 62)) {
            throw std::invalid_argument("workload.frames: the workload would last over 2^62 ns");
        }
    }
    return rounded_ns(whole, frac);
}

uint16_t udp_src_port(uint64_t index) {
    return static_cast<uint16_t>(ephemeral_port_base + (index & 0x3fff));
}

} // namespace

const char* to_string(frame_kind k) {
    switch (k) {
    case frame_kind::unicast:
        return "unicast";
    case frame_kind::broadcast:
        return "broadcast";
    case frame_kind::multicast:
        return "multicast";
    case frame_kind::arp:
        return "arp";
    case frame_kind::unknown:
        return "unknown";
    }
    return "?";
}

builtin_workload::builtin_workload(const workload_params& p)
    : m_params(p), m_fixed_len(validate(p)), m_vms(make_vms(p)),
      m_vlan_members(make_vlan_members(p)), m_shape_rng(stream_seed(p.seed, shape_stream)),
      m_detail_rng(stream_seed(p.seed, detail_stream)),
      m_payload_key(stream_seed(p.seed, payload_stream)),
      m_buffer(m_fixed_len > 1514 ? m_fixed_len : 1514) {
    m_groups = make_groups(p, m_vlan_members);
    m_duration_ns = pacing_span(p, m_fixed_len, m_shape_rng);
}

bool builtin_workload::next(frame& f) {
    if (m_next_index >= m_params.frames) {
        return false;
    }
    const uint64_t index = m_next_index++;
    const shape s = draw_shape(m_shape_rng, make_shape_rule(m_params, m_fixed_len));
    f.index = index;
    f.ts_ns = rounded_ns(m_t_whole, m_t_frac);
    f.cap_len = s.cap_len;
    f.orig_len = s.cap_len;
    f.data = m_buffer.data();
    f.kind = s.kind;
    advance(m_t_whole, m_t_frac, frame_gap(m_params, s.cap_len));

    std::mt19937_64& rng = m_detail_rng;
    const uint32_t vlans = m_params.vlans;
    const marker_spec marker{s.kind, static_cast<uint16_t>(splitmix64(m_params.seed))};
    // Every kind starts from a uniformly drawn VM: its VLAN is where the frame lives, so a
    // broadcast or an ARP request always lands in a VLAN that has members.
    const auto vm = static_cast<uint32_t>(uniform_below(rng, m_vms.size()));
    uint32_t v = vm % vlans;
    const auto station = static_cast<uint32_t>(uniform_below(rng, remote_stations));

    if (s.kind == frame_kind::arp) {
        uint32_t target = m_vms[vm].ipv4;
        // 8 in 10 ask for a VM of the same VLAN; 1 in 10 for a VM of another VLAN (must not
        // be answered across VLANs); 1 in 10 (2 with one VLAN) for an address nobody has.
        const uint64_t c = uniform_below(rng, 10);
        if (c == 8 && vlans > 1) {
            v = static_cast<uint32_t>((v + 1 + uniform_below(rng, vlans - 1)) % vlans);
        } else if (c >= 8) {
            target = unknown_ipv4(v, static_cast<uint32_t>(1 + uniform_below(rng, 254)));
        }
        const arp_spec a{remote_mac(v, station), static_cast<uint16_t>(first_vlan_id + v),
                         remote_ipv4(v, station), target};
        write_arp_request(m_buffer.data(), a, index, marker);
        return true;
    }

    udp_spec u{};
    u.src_port = udp_src_port(index);
    u.ip_id = static_cast<uint16_t>(index);
    switch (s.kind) {
    case frame_kind::unicast:
        u.dst_mac = m_vms[vm].mac;
        u.dst_ip = m_vms[vm].ipv4;
        u.dst_port = unicast_port;
        break;
    case frame_kind::broadcast:
        u.dst_mac = broadcast_mac;
        u.dst_ip = broadcast_ipv4;
        u.dst_port = broadcast_port;
        break;
    case frame_kind::multicast: {
        const group_def& g = m_groups[uniform_below(rng, m_groups.size())];
        v = *g.vlan - first_vlan_id;
        u.dst_mac = g.mac;
        u.dst_ip = g.ipv4;
        u.dst_port = multicast_port;
        break;
    }
    default: // unknown
        u.dst_mac = unknown_mac(static_cast<uint32_t>(uniform_below(rng, 0x10000)));
        u.dst_ip = unknown_ipv4(v, static_cast<uint32_t>(1 + uniform_below(rng, 254)));
        u.dst_port = unknown_port;
        break;
    }
    u.vlan = static_cast<uint16_t>(first_vlan_id + v);
    u.src_mac = remote_mac(v, station);
    u.src_ip = remote_ipv4(v, station);
    write_udp_frame(m_buffer.data(), s.cap_len, u, index, marker, m_payload_key);
    return true;
}

} // namespace evr::workload
