#include "evr/output/run_recorder.h"

#include <algorithm>

#include <systemc>

#include "evr/common/error.h"
#include "evr/output/run_folder.h"
#include "evr/output/text_file.h"

namespace evr::output {

template <typename F>
void run_recorder::guarded(F&& write) {
    if (!m_write_error.empty())
        return;
    try {
        write();
    } catch (const input_error& e) {
        m_write_error = e.what();
        sc_core::sc_stop();
    }
}

run_recorder::run_recorder(const recorder_options& opts, std::vector<std::string> names,
                           std::function<std::uint64_t(core::cycle_t)> to_trace_ns)
    : m_opts(opts), m_names(std::move(names)), m_to_trace_ns(std::move(to_trace_ns)),
      m_conn_pcaps(m_names.size()), m_conns(m_names.size()) {
    if (m_opts.conn_pcaps)
        m_stage_bytes.reserve(stage_capacity); // pages untouched until records arrive
    run_folder* f = m_opts.folder;
    if (m_opts.dropped_pcap) {
        m_dropped_pcap = std::make_unique<trace::pcap_writer>(f->create("dropped.pcap"),
                                                              f->display("dropped.pcap"));
        m_dropped_csv.open(f->create("dropped.csv"), f->display("dropped.csv"));
        m_dropped_csv.write("record,index,connection,reason,cycle\n");
    }
    if (m_opts.packets_csv) {
        m_packets_csv.open(f->create("packets.csv"), f->display("packets.csv"));
        m_packets_csv.write(
            "index,ts_ns,orig_len,cap_len,ingress_cycle,copies,delivered,outcome\n");
    }
}

run_recorder::~run_recorder() {
    try {
        close();
    } catch (...) { // a destructor must not throw; close() is called explicitly first
    }
}

void run_recorder::close() {
    if (m_closed)
        return;
    m_closed = true;
    guarded([&] { write_staged(); });
    // Every file is closed (and cut back, on a failed disk) even after the first failure:
    // stopping at it would leave the others to their destructors, which flush whatever
    // stdio still holds, part of a record included.
    auto keep_first = [&](auto&& close_one) {
        try {
            close_one();
        } catch (const input_error& e) {
            if (m_write_error.empty())
                m_write_error = e.what();
        }
    };
    auto close_pcap = [&](trace::pcap_writer& w, auto remove) {
        keep_first([&] { w.close(); });
        if (w.header_lost())
            remove(); // not even a pcap header: no file rather than an invalid one
    };
    for (std::uint32_t k = 0; k < m_conn_pcaps.size(); ++k)
        if (m_conn_pcaps[k])
            close_pcap(*m_conn_pcaps[k], [&] { m_opts.folder->remove_conn(m_names[k] + ".pcap"); });
    if (m_dropped_pcap)
        close_pcap(*m_dropped_pcap, [&] { m_opts.folder->remove("dropped.pcap"); });
    for (auto [t, name] :
         {std::pair{&m_dropped_csv, "dropped.csv"}, std::pair{&m_packets_csv, "packets.csv"}}) {
        keep_first([&] { t->close(); });
        if (t->header_lost())
            m_opts.folder->remove(name);
    }
    if (!m_write_error.empty())
        throw input_error(m_write_error); // evrsim: one line, exit 2
}

trace::pcap_writer& run_recorder::conn_writer(std::uint32_t conn) {
    auto& w = m_conn_pcaps[conn];
    if (!w) { // opened on first delivery: a run with 4096 idle connections opens no files
        // The connections share one write-buffer budget: 1024 writers with libpcap-sized
        // 64 KiB buffers would hold 64 MiB, filled slowly over a long run, so the peak
        // memory would keep rising with the input long after the steady state.
        // Records arrive a connection at a time (write_staged), so small buffers suffice.
        constexpr std::size_t budget = std::size_t{4} << 20;
        const std::size_t bytes = std::clamp<std::size_t>(budget / m_names.size(), 4096,
                                                          trace::pcap_writer::default_buffer_bytes);
        const std::string file = m_names[conn] + ".pcap";
        w = std::make_unique<trace::pcap_writer>(m_opts.folder->create_conn(file),
                                                 m_opts.folder->display_conn(file),
                                                 trace::pcap_writer::default_snaplen, bytes);
    }
    return *w;
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
    if (m_opts.conn_pcaps)
        stage(k, m_to_trace_ns(c.cycle), c.data, c.cap_len, c.orig_len);
    if (!row)
        return;
    ++row->delivered;
    if (m_opts.packets_csv)
        add_outcome(*row, k, static_cast<std::uint8_t>(path), c.cycle);
    resolve(c.index, *row, 1);
}

void run_recorder::stage(std::uint32_t conn, std::uint64_t ts_ns, const std::uint8_t* data,
                         std::uint32_t cap_len, std::uint32_t orig_len) {
    if (!m_write_error.empty())
        return;
    if (m_stage_bytes.size() + cap_len > stage_capacity && !m_staged.empty())
        guarded([&] { write_staged(); });
    m_staged.push_back({conn, cap_len, orig_len, m_stage_bytes.size(), ts_ns});
    m_stage_bytes.insert(m_stage_bytes.end(), data, data + cap_len);
}

// Each connection's staged records in arrival order (a counting sort by connection), so
// every file gets the same records in the same order as if written one by one.
void run_recorder::write_staged() {
    if (m_staged.empty())
        return;
    m_stage_start.assign(m_names.size() + 1, 0);
    for (const staged_record& r : m_staged)
        ++m_stage_start[r.conn + 1];
    for (std::size_t k = 1; k < m_stage_start.size(); ++k)
        m_stage_start[k] += m_stage_start[k - 1];
    m_stage_order.resize(m_staged.size());
    for (std::uint32_t i = 0; i < m_staged.size(); ++i)
        m_stage_order[m_stage_start[m_staged[i].conn]++] = i;
    // A write that throws ends all writing (guarded), so nothing is written twice.
    for (std::uint32_t i : m_stage_order) {
        const staged_record& r = m_staged[i];
        conn_writer(r.conn).write(r.ts_ns, m_stage_bytes.data() + r.offset, r.cap_len, r.orig_len);
    }
    m_staged.clear();
    m_stage_bytes.clear();
}

void run_recorder::on_dropped(const core::copy_view& c, core::drop_reason reason) {
    ++m_drops[static_cast<std::size_t>(reason)];
    ++m_dropped;
    if (c.conn)
        ++m_conns[*c.conn].dropped;
    if (m_dropped_pcap && c.data) {
        guarded([&] {
            m_dropped_pcap->write(m_to_trace_ns(c.cycle), c.data, c.cap_len, c.orig_len);
            std::string& r = m_line;
            r.clear();
            append_uint(r, m_dropped_pcap->records());
            r += ',';
            append_uint(r, c.index);
            r += ',';
            if (c.conn)
                r += m_names[*c.conn];
            r += ',';
            r += core::to_string(reason);
            r += ',';
            append_uint(r, c.cycle);
            r += '\n';
            m_dropped_csv.write(r);
        });
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

// "name@cycle:path" for a delivery, "name!reason" (or "*!reason") for a drop.
void run_recorder::append_outcome(std::string& line, const outcome& o) const {
    const std::uint32_t conn = o.conn_kind >> 8;
    const std::uint8_t kind = o.conn_kind & 0xff;
    if (conn == outcome::whole_frame)
        line += '*';
    else
        line += m_names[conn];
    if (kind & outcome::dropped_flag) {
        line += '!';
        line += core::to_string(static_cast<core::drop_reason>(kind & ~outcome::dropped_flag));
        return;
    }
    line += '@';
    append_uint(line, std::uint64_t{o.cycle_hi} << 32 | o.cycle_lo);
    line += ':';
    line += core::to_string(static_cast<core::path_kind>(kind));
}

void run_recorder::resolve(std::uint64_t index, frame_row& row, std::uint32_t copies) {
    row.pending -= copies;
    if (row.pending != 0)
        return;
    if (row.delivered)
        ++m_frames_delivered;
    if (m_opts.packets_csv) {
        guarded([&] {
            std::string& r = m_line;
            r.clear();
            for (std::uint64_t v :
                 {index, row.ts_ns, std::uint64_t{row.orig_len}, std::uint64_t{row.cap_len},
                  row.arrival, std::uint64_t{row.copies}, std::uint64_t{row.delivered}}) {
                append_uint(r, v);
                r += ',';
            }
            if (row.has_first)
                append_outcome(r, row.first);
            for (const outcome& o : row.more) {
                r += ' ';
                append_outcome(r, o);
            }
            r += '\n';
            m_packets_csv.write(r);
        });
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
