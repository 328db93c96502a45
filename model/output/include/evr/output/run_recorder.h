// Writes what happened to every frame: conn/<name>.pcap (what each VM received, stamped
// with its delivery time), dropped.pcap + dropped.csv (what was lost and why), packets.csv
// (one row per input frame, written when its last copy is resolved), and keeps the
// counters and latency distributions that stats.json reports.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "evr/common/frame_table.h"
#include "evr/core/drop_reason.h"
#include "evr/core/frame_events.h"
#include "evr/output/latency_histogram.h"
#include "evr/output/text_file.h"
#include "evr/trace/pcap_writer.h"

namespace evr::output {

class run_folder;

struct recorder_options {
    run_folder* folder = nullptr; // where the files go; may be null when every file is off
    bool conn_pcaps = true;
    bool dropped_pcap = true;
    bool packets_csv = true;
};

struct connection_totals {
    std::uint64_t frames = 0;
    std::uint64_t bytes = 0;
    std::array<std::uint64_t, 3> by_path{}; // direct, stored, assisted
    std::uint64_t dropped = 0;
    latency_histogram latency; // cycles from arrival to delivery
};

class run_recorder : public core::frame_listener {
public:
    // `to_trace_ns` maps a cycle to the input's time base (delivery timestamps).
    run_recorder(const recorder_options& opts, std::vector<std::string> names,
                 std::function<std::uint64_t(core::cycle_t)> to_trace_ns);
    ~run_recorder() override;

    void on_input(const core::frame_slot& frame) override;
    void on_fanout(std::uint64_t index, std::uint32_t copies) override;
    void on_delivered(const core::copy_view& copy, core::path_kind path) override;
    void on_dropped(const core::copy_view& copy, core::drop_reason reason) override;

    // Flushes and closes every file, each cut back to its last whole record or row when
    // the disk failed it; call once at the end (also on interruption). Throws
    // evr::input_error with the first failure (write_error()).
    void close();

    // The first failed write of an output (disk full, file-size limit), as a one-line
    // error; empty while all is well. On that failure the recorder stops writing files
    // (what was written stays valid: whole pcap records, whole CSV rows) and calls
    // sc_stop(): the run cannot produce its outputs, and close() reports it. Caught
    // here because an exception thrown inside an SC_THREAD reaches sc_start()'s caller
    // only as a multi-line sc_report, not as the input_error it was.
    const std::string& write_error() const { return m_write_error; }

    std::uint64_t input_frames() const { return m_input; }
    std::uint64_t input_bytes() const { return m_input_bytes; }
    std::uint64_t sliced_inputs() const { return m_sliced; } // captured shorter than on the wire
    std::uint64_t open_frames() const { return m_open.size(); }
    std::uint64_t delivered_copies() const { return m_delivered; }
    std::uint64_t delivered_frames() const { return m_frames_delivered; }
    std::uint64_t dropped_copies() const { return m_dropped; }
    const std::array<std::uint64_t, core::drop_reason_count>& drops() const { return m_drops; }
    const std::array<std::uint64_t, 3>& paths() const { return m_paths; }
    const std::vector<connection_totals>& connections() const { return m_conns; }
    const std::vector<std::string>& names() const { return m_names; }
    const latency_histogram& latency() const { return m_latency; }
    // Frames not yet fully resolved, e.g. parked in the data store at the end.
    std::vector<std::uint64_t> open_indices() const;
    // Records every open frame as dropped with reason `parked` (end of run).
    void park_open_frames(core::cycle_t cycle);

private:
    // What became of one copy, kept in binary until the row is written: a frame stays
    // open while any copy waits behind a stalled VM, and the formatted text (about 24
    // bytes a copy, with a string's growth slack) made peak memory grow with run length.
    struct outcome {
        static constexpr std::uint32_t whole_frame = 0xffffff; // "*": every pending copy
        static constexpr std::uint8_t dropped_flag = 0x80;     // kind: reason, not path
        std::uint32_t conn_kind = 0; // connection (< 2^20, fifo.max_connections) << 8 | kind
        std::uint32_t cycle_lo = 0;  // two halves: 12 bytes a copy, not 16
        std::uint32_t cycle_hi = 0;
    };
    struct frame_row {
        std::uint64_t ts_ns = 0;
        core::cycle_t arrival = 0;
        std::uint32_t orig_len = 0;
        std::uint32_t cap_len = 0;
        std::uint32_t copies = 1;  // after fan-out: one per destination
        std::uint32_t pending = 1; // copies not yet resolved
        std::uint32_t delivered = 0;
        bool has_first = false;
        outcome first;             // a unicast frame's only outcome needs no allocation
        std::vector<outcome> more; // the rest, reserved to the copy count at fan-out
    };

    // Deliveries for the connection pcaps are staged in one buffer in arrival order and
    // written a connection at a time when it fills: appending each record to one of a
    // thousand stdio buffers as it came touched memory all over the place, and cost more
    // than simulating the frame.
    struct staged_record {
        std::uint32_t conn;
        std::uint32_t cap_len;
        std::uint32_t orig_len;
        std::size_t offset; // into m_stage_bytes
        std::uint64_t ts_ns;
    };
    static constexpr std::size_t stage_capacity = std::size_t{2} << 20;
    void stage(std::uint32_t conn, std::uint64_t ts_ns, const std::uint8_t* data,
               std::uint32_t cap_len, std::uint32_t orig_len);
    void write_staged();

    void add_outcome(frame_row& row, std::uint32_t conn, std::uint8_t kind, core::cycle_t cycle);
    void append_outcome(std::string& line, const outcome& o) const;
    void resolve(std::uint64_t index, frame_row& row, std::uint32_t copies);
    // Runs `write` unless a write already failed; records its input_error and stops.
    template <typename F>
    void guarded(F&& write);
    trace::pcap_writer& conn_writer(std::uint32_t conn);

    recorder_options m_opts;
    std::vector<std::string> m_names;
    std::function<std::uint64_t(core::cycle_t)> m_to_trace_ns;
    frame_table<frame_row> m_open;
    std::vector<std::unique_ptr<trace::pcap_writer>> m_conn_pcaps;
    std::vector<std::uint8_t> m_stage_bytes;
    std::vector<staged_record> m_staged;
    std::vector<std::uint32_t> m_stage_order; // scratch: staged records by connection
    std::vector<std::uint32_t> m_stage_start; // scratch: first of each connection's run
    std::unique_ptr<trace::pcap_writer> m_dropped_pcap;
    text_file m_dropped_csv;
    text_file m_packets_csv;
    std::string m_write_error;
    std::string m_line; // scratch for one CSV row
    std::vector<connection_totals> m_conns;
    latency_histogram m_latency;
    std::array<std::uint64_t, core::drop_reason_count> m_drops{};
    std::array<std::uint64_t, 3> m_paths{};
    std::uint64_t m_input = 0;
    std::uint64_t m_input_bytes = 0;
    std::uint64_t m_sliced = 0;
    std::uint64_t m_delivered = 0;
    std::uint64_t m_frames_delivered = 0;
    std::uint64_t m_dropped = 0;
    bool m_closed = false;
};

} // namespace evr::output
