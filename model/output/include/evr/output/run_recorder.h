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
#include "evr/output/output_records.h"

namespace evr::output {

class run_folder;
class record_writer;
class write_behind;

struct recorder_options {
    run_folder* folder = nullptr; // where the files go; may be null when every file is off
    bool conn_pcaps = true;
    bool dropped_pcap = true;
    bool packets_csv = true;
    // Polled by the writer thread before each record (and each connection's share of the
    // staged deliveries). Once it returns true the records not yet written are counted
    // and skipped: a signal is then answered at once whatever the disk's speed (creating
    // a thousand pcaps on a slow file system takes seconds), and what was written stays
    // whole. Empty: never.
    std::function<bool()> abandon;
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
    // error; empty while all is well. The writer thread finds it; the recorder sees it at
    // its next record, stops handing records over (what was written stays valid: whole
    // pcap records, whole CSV rows) and calls sc_stop(): the run cannot produce its
    // outputs, and close() reports it.
    const std::string& write_error() const { return m_write_error; }
    // Records skipped because `abandon` said so (after close()): the outputs then lack
    // that many deliveries, drops and packets.csv rows.
    std::uint64_t unwritten_records() const;

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
    using outcome = detail::outcome;
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

    void add_outcome(frame_row& row, std::uint32_t conn, std::uint8_t kind, core::cycle_t cycle);
    void resolve(std::uint64_t index, frame_row& row, std::uint32_t copies);
    // Room for a record for the writer thread, or null once a write failed (then the
    // failure is kept in m_write_error and the simulation is stopped).
    std::uint8_t* emit(std::size_t bytes);

    recorder_options m_opts;
    std::vector<std::string> m_names;
    std::function<std::uint64_t(core::cycle_t)> m_to_trace_ns;
    frame_table<frame_row> m_open;
    // Formatting and writing happen on a writer thread (docs/components/output.md): the
    // model only copies each record into write_behind's blocks.
    std::unique_ptr<record_writer> m_writer;
    std::unique_ptr<write_behind> m_queue;
    std::string m_write_error;
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
