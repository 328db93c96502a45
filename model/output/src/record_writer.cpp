#include "record_writer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "evr/common/error.h"
#include "evr/core/drop_reason.h"
#include "evr/core/frame_events.h"
#include "evr/output/run_folder.h"
#include "evr/output/run_recorder.h"

namespace evr::output {

using detail::outcome;

record_writer::record_writer(const recorder_options& opts, const std::vector<std::string>& names)
    : m_abandon(opts.abandon), m_folder(opts.folder), m_names(names), m_conn_pcaps(names.size()) {
    if (opts.conn_pcaps)
        m_stage_bytes.reserve(stage_capacity); // pages untouched until records arrive
    if (opts.dropped_pcap) {
        m_dropped_pcap = std::make_unique<trace::pcap_writer>(m_folder->create("dropped.pcap"),
                                                              m_folder->display("dropped.pcap"));
        m_dropped_csv.open(m_folder->create("dropped.csv"), m_folder->display("dropped.csv"));
        m_dropped_csv.write("record,index,connection,reason,cycle\n");
    }
    if (opts.packets_csv) {
        m_packets_csv.open(m_folder->create("packets.csv"), m_folder->display("packets.csv"));
        m_packets_csv.write(
            "index,ts_ns,orig_len,cap_len,ingress_cycle,copies,delivered,outcome\n");
    }
}

void record_writer::fail(const std::string& message) {
    if (m_failed.load(std::memory_order_relaxed))
        return;
    m_error = message;
    m_failed.store(true, std::memory_order_release);
}

bool record_writer::abandoned() {
    if (!m_abandoned && m_abandon && m_abandon())
        m_abandoned = true;
    return m_abandoned;
}

void record_writer::consume(const std::uint8_t* data, std::size_t size) {
    if (failed())
        return; // what was written stays whole; the rest of the run is not written
    try {
        std::size_t pos = 0;
        while (pos < size) {
            detail::record_head h;
            std::memcpy(&h, data + pos, sizeof h);
            const std::uint8_t* body = data + pos + detail::head_bytes;
            if (abandoned()) {
                ++m_unwritten;
                pos += h.size;
                continue;
            }
            // Test hook: a disk that takes 1 ms a record, so a test can signal while the
            // writer is behind (the model then waits for free blocks).
            static const bool slow = std::getenv("EVR_FAULT_SLOW_WRITER") != nullptr;
            if (slow)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            switch (h.kind) {
            case detail::record_kind::delivered: {
                detail::delivered_record r;
                std::memcpy(&r, body, sizeof r);
                on_delivered(r, body + sizeof r);
                break;
            }
            case detail::record_kind::dropped: {
                detail::dropped_record r;
                std::memcpy(&r, body, sizeof r);
                on_dropped(r, body + sizeof r);
                break;
            }
            case detail::record_kind::row: {
                detail::row_record r;
                std::memcpy(&r, body, sizeof r);
                on_row(r, reinterpret_cast<const outcome*>(body + sizeof r));
                break;
            }
            }
            pos += h.size;
        }
    } catch (const input_error& e) {
        fail(e.what());
    } catch (const std::exception& e) { // bad_alloc: the run cannot write its outputs
        fail(std::string("output writer: ") + e.what());
    }
}

trace::pcap_writer& record_writer::conn_writer(std::uint32_t conn) {
    auto& w = m_conn_pcaps[conn];
    if (!w) { // opened on first delivery: a run with 4096 idle connections opens no files
        // The connections share one write-buffer budget: 1024 writers with libpcap-sized
        // 64 KiB buffers would hold 64 MiB, filled slowly over a long run, so the peak
        // memory would keep rising with the input long after the steady state.
        // Records arrive a connection at a time (write_staged), so small buffers suffice.
        constexpr std::size_t budget = std::size_t{4} << 20;
        const std::size_t bytes = std::clamp<std::size_t>(budget / m_names.size(), 512,
                                                          trace::pcap_writer::default_buffer_bytes);
        const std::string file = m_names[conn] + ".pcap";
        w = std::make_unique<trace::pcap_writer>(m_folder->create_conn(file),
                                                 m_folder->display_conn(file),
                                                 trace::pcap_writer::default_snaplen, bytes);
    }
    return *w;
}

void record_writer::on_delivered(const detail::delivered_record& r, const std::uint8_t* data) {
    if (m_stage_bytes.size() + r.cap_len > stage_capacity && !m_staged.empty())
        write_staged();
    m_staged.push_back({r.conn, r.cap_len, r.orig_len, m_stage_bytes.size(), r.ts_ns});
    m_stage_bytes.insert(m_stage_bytes.end(), data, data + r.cap_len);
}

// Each connection's staged records in arrival order (a counting sort by connection), so
// every file gets the same records in the same order as if written one by one.
void record_writer::write_staged() {
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
    // A write that throws ends all writing (fail), so nothing is written twice. Abandoning
    // is looked at once per connection: opening its file is the slow step.
    std::uint32_t last_conn = ~std::uint32_t{0};
    for (std::size_t n = 0; n < m_stage_order.size(); ++n) {
        const staged_record& r = m_staged[m_stage_order[n]];
        if (r.conn != last_conn) {
            last_conn = r.conn;
            if (abandoned()) {
                m_unwritten += m_stage_order.size() - n;
                break;
            }
        }
        conn_writer(r.conn).write(r.ts_ns, m_stage_bytes.data() + r.offset, r.cap_len, r.orig_len);
    }
    m_staged.clear();
    m_stage_bytes.clear();
}

void record_writer::on_dropped(const detail::dropped_record& r, const std::uint8_t* data) {
    m_dropped_pcap->write(r.ts_ns, data, r.cap_len, r.orig_len);
    std::string& line = m_line;
    line.clear();
    append_uint(line, m_dropped_pcap->records());
    line += ',';
    append_uint(line, r.index);
    line += ',';
    if (r.conn != detail::dropped_record::no_conn)
        line += m_names[r.conn];
    line += ',';
    line += core::to_string(static_cast<core::drop_reason>(r.reason));
    line += ',';
    append_uint(line, r.cycle);
    line += '\n';
    m_dropped_csv.write(line);
}

// "name@cycle:path" for a delivery, "name!reason" (or "*!reason") for a drop.
void record_writer::append_outcome(std::string& line, const outcome& o) const {
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

void record_writer::on_row(const detail::row_record& r, const outcome* outcomes) {
    std::string& line = m_line;
    line.clear();
    for (std::uint64_t v : {r.index, r.ts_ns, std::uint64_t{r.orig_len}, std::uint64_t{r.cap_len},
                            r.arrival, std::uint64_t{r.copies}, std::uint64_t{r.delivered}}) {
        append_uint(line, v);
        line += ',';
    }
    for (std::uint32_t i = 0; i < r.outcomes; ++i) {
        outcome o;
        std::memcpy(&o, outcomes + i, sizeof o);
        if (i)
            line += ' ';
        append_outcome(line, o);
    }
    line += '\n';
    m_packets_csv.write(line);
}

std::string record_writer::close() {
    if (!failed()) {
        try {
            write_staged();
        } catch (const input_error& e) {
            fail(e.what());
        }
    }
    std::string problem = m_error;
    // Every file is closed (and cut back, on a failed disk) even after the first failure:
    // stopping at it would leave the others to their destructors, which flush whatever
    // stdio still holds, part of a record included.
    const auto keep_first = [&](auto&& close_one) {
        try {
            close_one();
        } catch (const input_error& e) {
            if (problem.empty())
                problem = e.what();
        }
    };
    const auto close_pcap = [&](trace::pcap_writer& w, auto remove) {
        keep_first([&] { w.close(); });
        if (w.header_lost())
            remove(); // not even a pcap header: no file rather than an invalid one
    };
    for (std::uint32_t k = 0; k < m_conn_pcaps.size(); ++k)
        if (m_conn_pcaps[k])
            close_pcap(*m_conn_pcaps[k], [&] { m_folder->remove_conn(m_names[k] + ".pcap"); });
    if (m_dropped_pcap)
        close_pcap(*m_dropped_pcap, [&] { m_folder->remove("dropped.pcap"); });
    for (const auto& file :
         {std::pair{&m_dropped_csv, "dropped.csv"}, std::pair{&m_packets_csv, "packets.csv"}}) {
        text_file* t = file.first; // not a structured binding: lambdas cannot capture one
        keep_first([&] { t->close(); });
        if (t->header_lost())
            m_folder->remove(file.second);
    }
    return problem;
}

} // namespace evr::output
