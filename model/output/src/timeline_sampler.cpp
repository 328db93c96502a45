#include "evr/output/timeline_sampler.h"

#include "evr/common/error.h"
#include "evr/output/text_file.h"

namespace evr::output {

timeline_sampler::timeline_sampler(sc_core::sc_module_name name, const core::clock_domain& clock,
                                   core::cycle_t interval_cycles, int fd, const std::string& shown,
                                   std::function<timeline_levels()> read_levels)
    : sc_module(name), m_clock(clock), m_interval(interval_cycles ? interval_cycles : 1),
      m_read_levels(std::move(read_levels)), m_out(fd, shown) {
    m_out.write("time_ns,cycle,interval_ns,input_frames,delivered_copies,direct,stored,assisted,"
                "dropped,fifo_buffers,fifo_indirect,queued_numbered,queued_special,footprint_bytes,"
                "rx_buffer_bytes,stalled_vms\n");
    SC_METHOD(sample);
    sensitive << m_wake;
    dont_initialize();
}

void timeline_sampler::on_input(const core::frame_slot&) {
    activity();
    ++m_counts.input;
}

void timeline_sampler::on_delivered(const core::copy_view&, core::path_kind path) {
    activity();
    ++m_counts.delivered;
    switch (path) {
    case core::path_kind::direct:
        ++m_counts.direct;
        break;
    case core::path_kind::stored:
        ++m_counts.stored;
        break;
    case core::path_kind::assisted:
        ++m_counts.assisted;
        break;
    }
}

void timeline_sampler::on_dropped(const core::copy_view&, core::drop_reason) {
    activity();
    ++m_counts.dropped;
}

// A frame event at the current cycle. Events at a boundary's own cycle belong to the
// interval that starts there, whichever process SystemC runs first in that delta.
void timeline_sampler::activity() {
    const core::cycle_t now = m_clock.now();
    if (m_asleep) {
        m_asleep = false;
        m_next = (now / m_interval + 1) * m_interval;
        m_wake.notify(m_clock.until(m_next));
    } else if (now >= m_next) {
        sample();
    }
}

// Closes the interval ending at m_next; reached from the wake-up or from a frame event
// that arrived at the boundary first.
void timeline_sampler::sample() {
    if (m_asleep || m_closed || m_clock.now() < m_next)
        return;
    const timeline_levels levels = m_read_levels();
    const bool quiet = !m_counts.any() && levels == m_last;
    write_row(m_next, levels);
    m_wake.cancel();
    if (quiet) {
        m_asleep = true; // the next frame event wakes the sampler again
        return;
    }
    m_next += m_interval;
    m_wake.notify(m_clock.until(m_next));
}

void timeline_sampler::write_row(core::cycle_t cycle, const timeline_levels& l) {
    if (!m_error.empty())
        return;
    const core::cycle_t start =
        cycle > m_interval ? std::max(cycle - m_interval, m_last_row_cycle) : m_last_row_cycle;
    std::string& r = m_line;
    r.clear();
    for (std::uint64_t v :
         {m_clock.to_ns(cycle), cycle, m_clock.to_ns(cycle - start), m_counts.input,
          m_counts.delivered, m_counts.direct, m_counts.stored, m_counts.assisted, m_counts.dropped,
          l.fifo_buffers, l.fifo_indirect, l.queued_numbered, l.queued_special, l.footprint_bytes,
          l.rx_buffer_bytes, std::uint64_t{l.stalled_vms}}) {
        append_uint(r, v);
        r += ',';
    }
    r.back() = '\n';
    try {
        m_out.write(r);
    } catch (const input_error& e) {
        m_error = e.what();
        sc_core::sc_stop();
    }
    m_counts = {};
    m_last = l;
    m_last_row_cycle = cycle;
    ++m_rows;
}

void timeline_sampler::finish(core::cycle_t end_cycle) {
    if (m_closed)
        return;
    if (!m_asleep) {
        const timeline_levels levels = m_read_levels();
        if (m_counts.any() || levels != m_last)
            write_row(end_cycle, levels);
    }
    m_wake.cancel();
    m_closed = true;
    if (m_error.empty()) {
        try {
            m_out.close();
        } catch (const input_error& e) {
            m_error = e.what();
        }
    }
    if (!m_error.empty())
        throw input_error(m_error);
}

} // namespace evr::output
