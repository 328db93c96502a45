// The writer thread's half of run_recorder: turns the binary records into the files
// (conn/<name>.pcap, dropped.pcap, dropped.csv, packets.csv). Everything here runs on the
// writer thread, except the constructor (which creates the files up front) and close(),
// called once the thread has ended.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "evr/output/output_records.h"
#include "evr/output/text_file.h"
#include "evr/trace/pcap_writer.h"

namespace evr::output {

class run_folder;
struct recorder_options;

class record_writer {
public:
    record_writer(const recorder_options& opts, const std::vector<std::string>& names);

    // One block of records (write_behind's consumer). Never throws: the first failure is
    // kept (failed(), error()) and later records are skipped, the files keeping their
    // whole records.
    void consume(const std::uint8_t* data, std::size_t size);

    // Set by the writer thread once a write failed; error() may be read after it is seen.
    bool failed() const { return m_failed.load(std::memory_order_acquire); }
    const std::string& error() const { return m_error; }
    // Records skipped once recorder_options::abandon said so (read after close()).
    std::uint64_t unwritten() const { return m_unwritten; }

    // Writes what is staged and closes every file, each cut back to its last whole record
    // or row after a failure; a file that lost even its header is removed. Returns the
    // first failure, or "".
    std::string close();

private:
    void on_delivered(const detail::delivered_record& r, const std::uint8_t* data);
    void on_dropped(const detail::dropped_record& r, const std::uint8_t* data);
    void on_row(const detail::row_record& r, const detail::outcome* outcomes);
    void append_outcome(std::string& line, const detail::outcome& o) const;

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
    void write_staged();
    trace::pcap_writer& conn_writer(std::uint32_t conn);
    void fail(const std::string& message);
    bool abandoned(); // sticky once the options' abandon() said so

    std::function<bool()> m_abandon;
    bool m_abandoned = false;
    std::uint64_t m_unwritten = 0;

    run_folder* m_folder;
    const std::vector<std::string>& m_names;
    std::vector<std::unique_ptr<trace::pcap_writer>> m_conn_pcaps;
    std::vector<std::uint8_t> m_stage_bytes;
    std::vector<staged_record> m_staged;
    std::vector<std::uint32_t> m_stage_order; // scratch: staged records by connection
    std::vector<std::uint32_t> m_stage_start; // scratch: first of each connection's run
    std::unique_ptr<trace::pcap_writer> m_dropped_pcap;
    text_file m_dropped_csv;
    text_file m_packets_csv;
    std::string m_line; // scratch for one CSV row
    std::string m_error;
    std::atomic<bool> m_failed{false};
};

} // namespace evr::output
