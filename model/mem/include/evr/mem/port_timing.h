// Timing of one memory port: a datapath `bytes_per_cycle` wide, one transfer at a time,
// plus a fixed access latency. Shared by the data-store SRAM and the host-write path.
#pragma once

#include <cstdint>

#include "evr/core/cycles.h"

namespace evr::mem {

struct port_slot {
    core::cycle_t start;     // first cycle of the transfer
    core::cycle_t data_done; // port free again: all bytes moved
    core::cycle_t complete;  // data_done + latency: the access has taken effect
};

class port_timing {
public:
    port_timing(std::uint32_t bytes_per_cycle, std::uint32_t latency)
        : m_bytes_per_cycle(bytes_per_cycle), m_latency(latency) {}

    // Reserves the port for `bytes` from cycle `arrival` on (or when it becomes free).
    port_slot reserve(core::cycle_t arrival, std::uint64_t bytes) {
        port_slot s;
        s.start = arrival > m_free_at ? arrival : m_free_at;
        const core::cycle_t busy = core::transfer_cycles(bytes, m_bytes_per_cycle);
        s.data_done = s.start + (busy ? busy : 1);
        s.complete = s.data_done + m_latency;
        m_free_at = s.data_done;
        m_busy_cycles += s.data_done - s.start;
        m_bytes += bytes;
        return s;
    }
    std::uint64_t busy_cycles() const { return m_busy_cycles; }
    std::uint64_t bytes() const { return m_bytes; }

private:
    std::uint32_t m_bytes_per_cycle;
    std::uint32_t m_latency;
    core::cycle_t m_free_at = 0;
    std::uint64_t m_busy_cycles = 0;
    std::uint64_t m_bytes = 0;
};

} // namespace evr::mem
