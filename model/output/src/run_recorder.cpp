#include "evr/output/run_recorder.h"

#include <systemc>

#include "evr/common/error.h"
#include "evr/output/run_folder.h"
#include "evr/output/write_behind.h"
#include "record_writer.h"

namespace evr::output {

using detail::put_record;
using detail::record_bytes;
using detail::record_kind;

run_recorder::run_recorder(const recorder_options& opts, std::vector<std::string> names,
                           std::function<std::uint64_t(core::cycle_t)> to_trace_ns)
    : m_opts(opts), m_names(std::move(names)), m_to_trace_ns(std::move(to_trace_ns)),
      m_conns(m_names.size()) {
    if (m_opts.conn_pcaps || m_opts.dropped_pcap || m_opts.packets_csv) {
        m_writer = std::make_unique<record_writer>(m_opts, m_names);
        record_writer* w = m_writer.get();
        m_queue = std::make_unique<write_behind>(
            [w](const std::uint8_t* data, std::size_t size) { w->consume(data, size); });
    }
}

run_recorder::~run_recorder() {
    try {
        close();
    } catch (...) { // a destructor must not throw; close() is called explicitly first
    }
}

std::uint8_t* run_recorder::emit(std::size_t bytes) {
    if (!m_write_error.empty())
        return nullptr;
    if (m_writer->failed()) {
        m_write_error = m_writer->error();
        sc_core::sc_stop(); // the run cannot produce its outputs
        return nullptr;
    }
    return m_queue->append(bytes);
}

std::uint64_t run_recorder::unwritten_records() const {
    return m_writer ? m_writer->unwritten() : 0;
}

void run_recorder::close() {
    if (m_closed)
        return;
    m_closed = true;
    if (!m_writer)
        return;
    m_queue->finish(); // every record handed over is written (or skipped after a failure)
    const std::string problem = m_writer->close();
    if (m_write_error.empty())
        m_write_error = problem;
    if (!m_write_error.empty())
        throw input_error(m_write_error); // evrsim: one line, exit 2
}

void run_recorder::on_input(const core::frame_slot& f) {
    ++m_input;
    m_input_bytes += f.orig_len;
    m_sliced += f.cap_len < f.orig_len;
    frame_row& row = m_open.insert(f.index, {});
    row.ts_ns = f.ts_ns;
    row.arrival = f.arrival;
    row.orig_len = f.orig_len;
    row.cap_len = f.cap_len;
}

void run_recorder::on_fanout(std::uint64_t index, std::uint32_t copies) {
    if (frame_row* row = m_open.find(index)) {
        row->pending += copies - 1;
        row->copies = copies;
        if (m_opts.packets_csv && copies > 1)
            row->more.reserve(copies - 1);
    }
}

void run_recorder::on_delivered(const core::copy_view& c, core::path_kind path) {
    const std::uint32_t k = *c.conn;
    frame_row* row = m_open.find(c.index);
    const core::cycle_t arrival = row ? row->arrival : c.cycle;
    const std::uint64_t latency = c.cycle - arrival;
    connection_totals& t = m_conns[k];
    ++t.frames;
    t.bytes += c.orig_len;
    ++t.by_path[static_cast<std::size_t>(path)];
    t.latency.add(latency);
    m_latency.add(latency);
    ++m_paths[static_cast<std::size_t>(path)];
    ++m_delivered;
    if (m_opts.conn_pcaps) {
        if (std::uint8_t* at = emit(record_bytes<detail::delivered_record>(c.cap_len))) {
            const detail::delivered_record r{m_to_trace_ns(c.cycle), k, c.cap_len, c.orig_len};
            std::memcpy(put_record(at, record_kind::delivered, r, c.cap_len), c.data, c.cap_len);
        }
    }
    if (!row)
        return;
    ++row->delivered;
    if (m_opts.packets_csv)
        add_outcome(*row, k, static_cast<std::uint8_t>(path), c.cycle);
    resolve(c.index, *row, 1);
}

void run_recorder::on_dropped(const core::copy_view& c, core::drop_reason reason) {
    ++m_drops[static_cast<std::size_t>(reason)];
    ++m_dropped;
    if (c.conn)
        ++m_conns[*c.conn].dropped;
    if (m_opts.dropped_pcap && c.data) {
        if (std::uint8_t* at = emit(record_bytes<detail::dropped_record>(c.cap_len))) {
            const detail::dropped_record r{c.index,
                                           c.cycle,
                                           m_to_trace_ns(c.cycle),
                                           c.conn ? *c.conn : detail::dropped_record::no_conn,
                                           c.cap_len,
                                           c.orig_len,
                                           static_cast<std::uint8_t>(reason)};
            std::memcpy(put_record(at, record_kind::dropped, r, c.cap_len), c.data, c.cap_len);
        }
    }
    frame_row* row = m_open.find(c.index);
    if (!row)
        return;
    if (m_opts.packets_csv)
        add_outcome(*row, c.conn ? *c.conn : outcome::whole_frame,
                    outcome::dropped_flag | static_cast<std::uint8_t>(reason), c.cycle);
    // A whole-frame drop resolves every copy still pending.
    resolve(c.index, *row, c.conn ? 1 : row->pending);
}

void run_recorder::add_outcome(frame_row& row, std::uint32_t conn, std::uint8_t kind,
                               core::cycle_t cycle) {
    const outcome o{conn << 8 | kind, static_cast<std::uint32_t>(cycle),
                    static_cast<std::uint32_t>(cycle >> 32)};
    if (!row.has_first) {
        row.first = o;
        row.has_first = true;
    } else {
        row.more.push_back(o);
    }
}

void run_recorder::resolve(std::uint64_t index, frame_row& row, std::uint32_t copies) {
    row.pending -= copies;
    if (row.pending != 0)
        return;
    if (row.delivered)
        ++m_frames_delivered;
    if (m_opts.packets_csv) {
        const std::size_t n = (row.has_first ? 1 : 0) + row.more.size();
        if (std::uint8_t* at = emit(record_bytes<detail::row_record>(n * sizeof(outcome)))) {
            const detail::row_record r{
                index,       row.ts_ns,  row.arrival,   row.orig_len,
                row.cap_len, row.copies, row.delivered, static_cast<std::uint32_t>(n)};
            std::uint8_t* tail = put_record(at, record_kind::row, r, n * sizeof(outcome));
            if (row.has_first)
                std::memcpy(tail, &row.first, sizeof(outcome));
            if (!row.more.empty())
                std::memcpy(tail + (row.has_first ? sizeof(outcome) : 0), row.more.data(),
                            row.more.size() * sizeof(outcome));
        }
    }
    m_open.erase(index);
}

std::vector<std::uint64_t> run_recorder::open_indices() const {
    return m_open.indices();
}

void run_recorder::park_open_frames(core::cycle_t cycle) {
    for (std::uint64_t index : open_indices())
        on_dropped({index, std::nullopt, nullptr, 0, 0, cycle}, core::drop_reason::parked);
}

} // namespace evr::output
