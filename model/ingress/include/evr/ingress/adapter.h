// The network adapter (patent 201) in promiscuous mode: paces the input frames onto the
// wire at line rate (preamble, FCS and inter-frame gap counted), drops runts and oversize
// frames, and writes the rest into the receive buffer, or drops them when it is full: the
// router never back-pressures the wire.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "evr/core/cycles.h"
#include "evr/core/frame_events.h"
#include "evr/ingress/frame_source.h"
#include "evr/rxbuf/receive_buffer.h"

namespace evr::ingress {

struct adapter_params {
    double line_rate_gbps = 10;
    std::uint32_t preamble_bytes = 8;
    std::uint32_t ifg_bytes = 12;
    std::uint32_t fcs_bytes = 4;
    std::uint32_t max_frame_bytes = 9216;
    bool replay_timestamps = true; // false: back to back at line rate
    std::uint64_t max_packets = 0; // 0: all
    // Idle gaps in the input longer than this are shortened to it: SystemC time ends after
    // 2^64 ps (213 days) and captures merged over years exist. The router is long idle by
    // then; delivery timestamps keep the input's time base (see to_trace_ns).
    std::uint64_t max_gap_ns = 1'000'000'000;
};

struct adapter_stats {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::uint64_t clamped_timestamps = 0; // went backwards: replayed at the previous time
    std::uint64_t late_frames = 0;        // wire busy at the timestamp: sent when it freed
    std::uint64_t shortened_gaps = 0;     // idle gaps longer than max_gap_ns
    core::cycle_t first_arrival = 0;
    core::cycle_t last_arrival = 0;
    std::uint64_t first_ts_ns = 0;
};

class adapter : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(adapter);
    adapter(sc_core::sc_module_name name, const core::clock_domain& clock,
            const adapter_params& params, frame_source& source, rxbuf::receive_buffer& rx,
            core::frame_pool& pool, core::frame_events& events, const sc_core::sc_event& start);

    bool done() const { return m_done; }
    const sc_core::sc_event& done_event() const { return m_done_event; }
    const adapter_stats& stats() const { return m_stats; }
    // Maps a cycle back to the input's time base (for delivery timestamps).
    std::uint64_t to_trace_ns(core::cycle_t cycle) const;

    // SystemC time is a 64-bit count of picoseconds. Input frames must arrive by 2^63 ps
    // (about 106 days of simulated time), so the run keeps as long again to drain; a frame
    // past it throws evr::input_error naming the frame (docs/config.md, "Limits").
    static constexpr double max_arrival_ps = 9223372036854775808.0;
    static void check_arrival_time(double end_ps, std::uint64_t index, std::uint64_t ts_ns);

private:
    void run();
    bool accept(core::frame_slot* f);

    const core::clock_domain& m_clock;
    adapter_params m_params;
    frame_source& m_source;
    rxbuf::receive_buffer& m_rx;
    core::frame_pool& m_pool;
    core::frame_events& m_events;
    const sc_core::sc_event& m_start;
    double m_ps_per_byte;
    core::cycle_t m_origin = 0; // cycle the first frame's timestamp maps to
    // Shortened gaps: from `cycle` on, trace time = simulated time + `skipped_ns`.
    struct time_skip {
        core::cycle_t cycle;
        std::uint64_t skipped_ns;
    };
    std::vector<time_skip> m_skips;
    bool m_done = false;
    sc_core::sc_event m_done_event;
    adapter_stats m_stats;
};

} // namespace evr::ingress
