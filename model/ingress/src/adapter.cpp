#include "evr/ingress/adapter.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "evr/common/error.h"
#include "evr/core/delta_jitter.h"
#include "evr/lookup/parsed_frame.h"

namespace evr::ingress {

adapter::adapter(sc_core::sc_module_name name, const core::clock_domain& clock,
                 const adapter_params& params, frame_source& source, rxbuf::receive_buffer& rx,
                 core::frame_pool& pool, core::frame_events& events, const sc_core::sc_event& start)
    : sc_module(name), m_clock(clock), m_params(params), m_source(source), m_rx(rx), m_pool(pool),
      m_events(events), m_start(start), m_ps_per_byte(8000.0 / params.line_rate_gbps) {
    SC_THREAD(run);
}

std::uint64_t adapter::to_trace_ns(core::cycle_t cycle) const {
    const core::cycle_t rel = cycle > m_origin ? cycle - m_origin : 0;
    std::uint64_t skipped = 0;
    for (auto it = m_skips.rbegin(); it != m_skips.rend(); ++it)
        if (cycle >= it->cycle) {
            skipped = it->skipped_ns;
            break;
        }
    return m_stats.first_ts_ns + m_clock.to_ns(rel) + skipped;
}

void adapter::check_arrival_time(double end_ps, std::uint64_t index, std::uint64_t ts_ns) {
    if (end_ps < max_arrival_ps)
        return;
    std::string msg = "input frame " + std::to_string(index + 1) + " (timestamp " +
                      std::to_string(ts_ns) +
                      " ns) would arrive after 2^63 ps (106 days) of simulated time, more than "
                      "SystemC's 64-bit picosecond time holds with room to drain; replay fewer "
                      "frames (replay.max_packets) or a faster line";
    // Thrown inside the adapter's process: evrsim reads the facts back after sc_start().
    record_failure({"bad_input", 0, "", "", "", msg});
    throw input_error(msg);
}

void adapter::run() {
    // The router's start-up (filling the buffer pools) comes first; the wire starts after.
    wait(m_start);
    m_origin = m_clock.now();
    const double period_ps = m_clock.period_ns() * 1000.0;
    const double origin_ps = static_cast<double>(m_origin) * period_ps;
    double wire_free_ps = origin_ps; // when the wire can start the next preamble
    std::uint64_t prev_ts = 0;
    std::uint64_t skipped_ns = 0; // total of the shortened gaps so far
    source_frame in;
    std::uint64_t index = 0;

    while ((m_params.max_packets == 0 || index < m_params.max_packets) && m_source.next(in)) {
        if (index == 0) {
            m_stats.first_ts_ns = in.ts_ns;
            prev_ts = in.ts_ns;
        }
        std::uint64_t ts = in.ts_ns;
        if (ts < prev_ts) {
            ++m_stats.clamped_timestamps;
            ts = prev_ts;
        }
        if (ts - prev_ts > m_params.max_gap_ns && m_params.replay_timestamps) {
            skipped_ns += ts - prev_ts - m_params.max_gap_ns;
            ++m_stats.shortened_gaps;
        }
        prev_ts = ts;
        const std::uint32_t orig_len = std::max(in.orig_len, in.cap_len);

        double start_ps = wire_free_ps;
        if (m_params.replay_timestamps) {
            const double ts_ps =
                origin_ps + static_cast<double>(ts - m_stats.first_ts_ns - skipped_ns) * 1000.0;
            if (ts_ps >= wire_free_ps)
                start_ps = ts_ps;
            else if (index != 0)
                ++m_stats.late_frames;
        }
        const double end_ps =
            start_ps + static_cast<double>(std::uint64_t{m_params.preamble_bytes} + orig_len +
                                           m_params.fcs_bytes) *
                           m_ps_per_byte; // 64-bit sum: an orig_len near 2^32 must not wrap
        check_arrival_time(end_ps, index, in.ts_ns);
        wire_free_ps = end_ps + m_params.ifg_bytes * m_ps_per_byte;
        const auto arrival = static_cast<core::cycle_t>(std::ceil(end_ps / period_ps - 1e-9));
        if (m_skips.empty() ? skipped_ns != 0 : m_skips.back().skipped_ns != skipped_ns)
            m_skips.push_back({static_cast<core::cycle_t>(start_ps / period_ps), skipped_ns});
        wait(m_clock.until(arrival));
        core::delta_jitter();

        core::frame_slot* f = m_pool.get();
        f->index = index++;
        f->ts_ns = in.ts_ns;
        f->arrival = arrival;
        f->orig_len = orig_len;
        f->cap_len = in.cap_len;
        f->bytes.assign(in.data, in.data + f->cap_len);
        f->readers = 0;
        if (m_stats.frames == 0)
            m_stats.first_arrival = arrival;
        m_stats.last_arrival = arrival;
        ++m_stats.frames;
        m_stats.bytes += orig_len;
        m_events.input(*f);
        if (!accept(f))
            m_pool.put(f);
    }
    m_done = true;
    m_done_event.notify(sc_core::SC_ZERO_TIME);
}

bool adapter::accept(core::frame_slot* f) {
    core::copy_view v{f->index, std::nullopt, f->bytes.data(), f->cap_len, f->orig_len, f->arrival};
    if (f->orig_len < lookup::eth_header_len || f->cap_len < lookup::eth_header_len) {
        m_events.dropped(v, core::drop_reason::runt);
        return false;
    }
    if (f->orig_len > m_params.max_frame_bytes) {
        m_events.dropped(v, core::drop_reason::oversize);
        return false;
    }
    if (!m_rx.has_room(f->orig_len)) {
        m_events.dropped(v, core::drop_reason::rx_overflow);
        return false;
    }
    m_rx.push(f);
    return true;
}

} // namespace evr::ingress
