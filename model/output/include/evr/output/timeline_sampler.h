// timeline.csv: the router's state sampled on a fixed grid of simulated time, for plots.
// Event driven like the engines: the sampler wakes once per interval only while
// something happens, and sleeps on the first quiet interval (no frame event, no level
// changed) until the next frame event. A capture with an hour-long gap therefore costs
// two rows, not 360 million; omitted intervals had zero rates and unchanged levels.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <systemc>

#include "evr/core/cycles.h"
#include "evr/core/frame_events.h"
#include "evr/output/text_file.h"

namespace evr::output {

// Levels read from the router at each sample (a snapshot, not a rate).
struct timeline_levels {
    std::uint64_t fifo_buffers = 0;    // normal buffers holding a frame (held, queued, linked)
    std::uint64_t fifo_indirect = 0;   // indirect buffers not on their pool
    std::uint64_t queued_numbered = 0; // buffers on the connections' numbered queues
    std::uint64_t queued_special = 0;  // buffers on the broadcast/multicast/ARP/unknown queues
    std::uint64_t footprint_bytes = 0; // data-store bytes bound to the pools
    std::uint64_t rx_buffer_bytes = 0; // bytes held in the receive buffer
    std::uint32_t stalled_vms = 0;

    friend bool operator==(const timeline_levels& a, const timeline_levels& b) {
        return a.fifo_buffers == b.fifo_buffers && a.fifo_indirect == b.fifo_indirect &&
               a.queued_numbered == b.queued_numbered && a.queued_special == b.queued_special &&
               a.footprint_bytes == b.footprint_bytes && a.rx_buffer_bytes == b.rx_buffer_bytes &&
               a.stalled_vms == b.stalled_vms;
    }
    friend bool operator!=(const timeline_levels& a, const timeline_levels& b) { return !(a == b); }
};

class timeline_sampler : public sc_core::sc_module, public core::frame_listener {
public:
    SC_HAS_PROCESS(timeline_sampler);
    // Writes to `fd` (taken over; `shown` names the file in messages). Throws
    // evr::input_error when the header cannot be written.
    timeline_sampler(sc_core::sc_module_name name, const core::clock_domain& clock,
                     core::cycle_t interval_cycles, int fd, const std::string& shown,
                     std::function<timeline_levels()> read_levels);

    void on_input(const core::frame_slot& frame) override;
    void on_fanout(std::uint64_t, std::uint32_t) override {}
    void on_delivered(const core::copy_view& copy, core::path_kind path) override;
    void on_dropped(const core::copy_view& copy, core::drop_reason reason) override;

    // Writes the last (partial) interval up to `end_cycle` if anything happened in it, and
    // closes the file. Safe to call more than once.
    void finish(core::cycle_t end_cycle);
    std::uint64_t rows() const { return m_rows; }
    // After finish() failed: the file lost even its header row; remove it.
    bool file_lost() const { return m_out.header_lost(); }

private:
    struct counts {
        std::uint64_t input = 0;
        std::uint64_t delivered = 0;
        std::uint64_t direct = 0;
        std::uint64_t stored = 0;
        std::uint64_t assisted = 0;
        std::uint64_t dropped = 0;
        bool any() const { return input || delivered || dropped; }
    };

    void sample();
    void activity();
    void write_row(core::cycle_t cycle, const timeline_levels& levels);

    const core::clock_domain& m_clock;
    core::cycle_t m_interval;
    // The first failed write (disk full): later rows are skipped, finish() throws it.
    // Not thrown from the SC_METHOD itself, which would reach evrsim as an sc_report.
    std::string m_error;
    std::function<timeline_levels()> m_read_levels;
    text_file m_out;
    std::string m_line; // scratch for one row
    counts m_counts;
    timeline_levels m_last;
    core::cycle_t m_last_row_cycle = 0;
    core::cycle_t m_next = 0; // end of the open interval (while awake)
    bool m_asleep = true;
    bool m_closed = false;
    std::uint64_t m_rows = 0;
    sc_core::sc_event m_wake;
};

} // namespace evr::output
