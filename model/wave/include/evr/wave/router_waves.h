// The router's waveform (docs/waveforms.md): signals grouped per engine, per-connection
// signals for the connections asked for, and in rtl/lockstep mode the Verilated RTL's own
// signals merged into the same file in the same time base (picoseconds of simulated time).
// It is the probe the router's components report to, and a frame listener for inputs,
// deliveries and drops. Only exists while a waveform is asked for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evr/common/wave_probe.h"
#include "evr/core/frame_events.h"
#include "evr/router/router.h"
#include "evr/wave/vcd_recorder.h"

namespace evr::wave {

struct wave_options {
    std::string vcd_path; // the VCD written (an FST is converted from it by the caller)
    window span;
    std::vector<std::uint32_t> connections; // per-connection signals for these
    std::vector<std::string> names;         // name of every connection, by index
    std::vector<std::uint32_t> class_bytes; // buffer size of each free-pool class
};

class router_waves : public wave_probe, public core::frame_listener {
public:
    // Declares the signals, attaches itself to `top` and starts the RTL's dump.
    router_waves(router::router& top, const wave_options& opts);
    ~router_waves() override;

    // End of the run (normal, interrupted or failed): flushes the RTL dump, writes and
    // assembles the VCD. Detaches from the router. Later calls do nothing.
    void close();
    // GTKWave save file showing `dump_path` (the .vcd or .fst) grouped per engine.
    void write_gtkw(const std::string& gtkw_path, const std::string& dump_path) const;

    // wave_probe
    void changed(wave_unit unit, std::uint32_t which) override;
    void fifo_command(std::uint8_t op, std::uint64_t issue, std::uint64_t response,
                      std::uint32_t queue) override;
    void dropped(wave_unit unit, std::uint8_t reason, std::uint32_t conn) override;
    void arbitration(wave_port port, int granted) override;

    // frame_listener
    void on_input(const core::frame_slot& frame) override;
    void on_fanout(std::uint64_t, std::uint32_t) override {}
    void on_delivered(const core::copy_view& copy, core::path_kind path) override;
    void on_dropped(const core::copy_view& copy, core::drop_reason reason) override;

private:
    struct engine_ids {
        std::uint32_t state = 0, frame = 0, conn = 0, drop = 0, drops = 0;
        bool has_drop = false;
    };
    struct conn_ids {
        std::uint32_t posted = 0, stored = 0, exclusive = 0, masked = 0, queued = 0, stalled = 0,
                      delivered = 0, drop = 0;
    };

    std::uint64_t now_ps() const;
    bool past_window();
    // Every entry point calls past_window() first, which stamps the event's time.
    void set(std::uint32_t id, std::uint64_t v) { m_vcd.set(id, v, m_event_ps); }
    void pulse(std::uint32_t id, std::uint64_t v);
    void engine_changed(wave_unit unit);
    void conn_changed(std::uint32_t conn);
    engine_ids declare_engine(const std::string& name, bool drops);
    const conn_ids* traced(std::uint32_t conn) const;
    void bump(std::uint32_t id) { set(id, m_vcd.value(id) + 1); }

    router::router& m_top;
    wave_options m_opts;
    vcd_recorder m_vcd;
    std::uint64_t m_period_ps;
    std::string m_rtl_path; // Verilator's dump, merged at close (rtl, lockstep)
    bool m_closed = false;
    bool m_retired = false; // past the window: probes detached, events ignored
    std::uint64_t m_event_ps = 0;

    // Per arbitrated port: request (bit i: requester i waits), grant (bit i: granted in
    // this cycle, one cycle long), and which arbiter it is.
    struct arbiter_ids {
        std::uint32_t request = 0, grant = 0;
        unsigned width = 1;
        std::uint64_t grant_ps = ~std::uint64_t{0}, grant_mask = 0;
    };
    const core::arbiter& arbiter_of(wave_port port) const;
    std::vector<arbiter_ids> m_arbiters; // by wave_port

    engine_ids m_parser, m_store, m_assist, m_local, m_send;
    std::uint32_t m_adapter_frame = 0, m_adapter_drop = 0, m_adapter_drops = 0;
    std::uint32_t m_rx_bytes = 0, m_rx_records = 0;
    std::uint32_t m_local_pick = 0, m_local_exclusive = 0, m_local_exclusive_count = 0;
    std::uint32_t m_credits = 0, m_stalled_vms = 0;
    std::uint32_t m_fifo_cmd = 0, m_fifo_occupancy = 0, m_fifo_indirect = 0;
    std::vector<std::uint32_t> m_fifo_free;    // per class
    std::vector<std::uint32_t> m_fifo_special; // broadcast, multicast, arp, unknown
    std::uint32_t m_inputs = 0, m_delivered = 0, m_dropped = 0;
    std::vector<conn_ids> m_conn;         // one per traced connection
    std::vector<std::uint32_t> m_conn_at; // connection -> index in m_conn, or wave_none
};

// "all" (a list holding only that word) or names -> connection indices; throws
// evr::input_error naming `key` for an unknown name.
std::vector<std::uint32_t> select_connections(const std::vector<std::string>& wanted,
                                              const std::vector<std::string>& names,
                                              const std::string& key);

} // namespace evr::wave
