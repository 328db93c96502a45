// Field-by-field equality of configs, used by the print/load round-trip check.
#include <tuple>

#include "evr/config/config.h"

namespace evr::config {
namespace {

bool same(const clock_config& a, const clock_config& b) {
    return a.freq_mhz == b.freq_mhz;
}

bool same(const mac_config& a, const mac_config& b) {
    return std::tie(a.line_rate_gbps, a.preamble_bytes, a.ifg_bytes, a.fcs_bytes,
                    a.max_frame_bytes) == std::tie(b.line_rate_gbps, b.preamble_bytes, b.ifg_bytes,
                                                   b.fcs_bytes, b.max_frame_bytes);
}

bool same(const rx_buffer_config& a, const rx_buffer_config& b) {
    return std::tie(a.size_bytes, a.addrq_entries) == std::tie(b.size_bytes, b.addrq_entries);
}

bool same(const sram_config& a, const sram_config& b) {
    return std::tie(a.size_bytes, a.reserve_bytes, a.bytes_per_cycle, a.latency_cycles) ==
           std::tie(b.size_bytes, b.reserve_bytes, b.bytes_per_cycle, b.latency_cycles);
}

bool same(const host_config& a, const host_config& b) {
    return std::tie(a.write_bytes_per_cycle, a.write_latency_cycles, a.write_credits) ==
           std::tie(b.write_bytes_per_cycle, b.write_latency_cycles, b.write_credits);
}

bool same(const fifo_config& a, const fifo_config& b) {
    return std::tie(a.backend, a.buffer_classes, a.class_shares, a.indirect_buffers,
                    a.max_connections, a.pool.grow_below, a.pool.grow_step, a.pool.shrink_above,
                    a.pool.interval_cycles) ==
           std::tie(b.backend, b.buffer_classes, b.class_shares, b.indirect_buffers,
                    b.max_connections, b.pool.grow_below, b.pool.grow_step, b.pool.shrink_above,
                    b.pool.interval_cycles);
}

bool same(const workload_config& a, const workload_config& b) {
    return std::tie(a.vms, a.frames, a.load, a.vlans, a.broadcast_fraction, a.multicast_fraction,
                    a.arp_fraction, a.unknown_fraction, a.multicast_groups, a.frame_bytes,
                    a.stalling_vms, a.ring_entries, a.stall_us) ==
           std::tie(b.vms, b.frames, b.load, b.vlans, b.broadcast_fraction, b.multicast_fraction,
                    b.arp_fraction, b.unknown_fraction, b.multicast_groups, b.frame_bytes,
                    b.stalling_vms, b.ring_entries, b.stall_us);
}

bool same(const arbiters_config& a, const arbiters_config& b) {
    for (const arbitrated_port& port : arbitrated_ports()) {
        const arbiter_config& x = a.*port.member;
        const arbiter_config& y = b.*port.member;
        if (x.policy != y.policy || x.order != y.order)
            return false;
    }
    return true;
}

bool same(const output_config& a, const output_config& b) {
    return std::tie(a.conn_pcaps, a.dropped_pcap, a.packets_csv, a.timeline, a.timeline_interval_us,
                    a.latency_percentiles, a.wave_connections) ==
           std::tie(b.conn_pcaps, b.dropped_pcap, b.packets_csv, b.timeline, b.timeline_interval_us,
                    b.latency_percentiles, b.wave_connections);
}

} // namespace

bool operator==(const vm_config& a, const vm_config& b) {
    return std::tie(a.ring_entries, a.buffer_bytes, a.service_cycles, a.stall_fraction,
                    a.stall_interval_us, a.stall_duration_us, a.availability_trace) ==
           std::tie(b.ring_entries, b.buffer_bytes, b.service_cycles, b.stall_fraction,
                    b.stall_interval_us, b.stall_duration_us, b.availability_trace);
}

bool operator==(const connection_config& a, const connection_config& b) {
    return std::tie(a.name, a.mac, a.vlan, a.ipv4, a.ipv6, a.vm) ==
           std::tie(b.name, b.mac, b.vlan, b.ipv4, b.ipv6, b.vm);
}

bool operator==(const multicast_group_config& a, const multicast_group_config& b) {
    return std::tie(a.mac, a.vlan, a.members) == std::tie(b.mac, b.vlan, b.members);
}

bool operator==(const config& a, const config& b) {
    return same(a.clock, b.clock) && a.seed == b.seed && same(a.mac, b.mac) &&
           same(a.rx_buffer, b.rx_buffer) && a.parser.latency_cycles == b.parser.latency_cycles &&
           a.parser.lookup_latency_cycles == b.parser.lookup_latency_cycles &&
           a.allocator.latency_cycles == b.allocator.latency_cycles &&
           std::tie(a.assist.header_bytes, a.assist.lookup_latency_cycles,
                    a.assist.per_copy_cycles) == std::tie(b.assist.header_bytes,
                                                          b.assist.lookup_latency_cycles,
                                                          b.assist.per_copy_cycles) &&
           same(a.sram, b.sram) && same(a.host, b.host) && same(a.fifo, b.fifo) &&
           a.router.policy == b.router.policy && a.router.ordering == b.router.ordering &&
           a.router.no_buffer == b.router.no_buffer && same(a.arbiter, b.arbiter) &&
           a.lookup.unknown_unicast == b.lookup.unknown_unicast && a.vm == b.vm &&
           a.replay.mode == b.replay.mode && a.replay.max_packets == b.replay.max_packets &&
           same(a.workload, b.workload) && same(a.output, b.output) &&
           a.connections == b.connections && a.multicast_groups == b.multicast_groups;
}

} // namespace evr::config
