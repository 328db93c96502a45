// Streaming reader for the traces evrsim simulates: pcap (µs or ns, either byte order) and
// pcapng, Ethernet only, every timestamp in nanoseconds. See docs/trace_io.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace evr::trace {

// One captured frame. `data` points into the reader's buffer and stays valid only until the
// next call to pcap_reader::next(): copy what must outlive it.
struct record {
    uint64_t index = 0;            // position in the file, counting from 0
    uint64_t ts_ns = 0;            // capture time in ns since the Unix epoch
    uint32_t cap_len = 0;          // bytes present in `data`
    uint32_t orig_len = 0;         // bytes the frame had on the wire (>= cap_len; > when sliced)
    const uint8_t* data = nullptr; // never null, even when cap_len is 0
};

enum class file_format { pcap, pcapng };

// Reads records one at a time; memory does not depend on the trace length. Every problem
// (open, format, linktype, corrupt record) throws evr::input_error with a one-line message
// "PATH: [record N: ]PROBLEM" (N counts from 1, like a Wireshark frame number).
class pcap_reader {
public:
    explicit pcap_reader(const std::string& path);
    ~pcap_reader();
    // A moved-from pcap_reader may only be destroyed or assigned to.
    pcap_reader(pcap_reader&&) noexcept;
    pcap_reader& operator=(pcap_reader&&) noexcept;
    pcap_reader(const pcap_reader&) = delete;
    pcap_reader& operator=(const pcap_reader&) = delete;

    // Fills `r` with the next record and returns true, or returns false at the end of the
    // file. After an error, every further call throws the same error again.
    bool next(record& r);

    int linktype() const;     // always 1 (DLT_EN10MB) once constructed
    uint32_t snaplen() const; // the file's (first interface's) snapshot length
    file_format format() const;
    bool nanosecond_source() const; // file stores ns (or finer) timestamps; see docs
    const std::string& path() const;
    uint64_t records_read() const; // records returned by next() so far
    uint64_t byte_offset() const;  // position in the file, for progress reports

private:
    struct state;
    std::unique_ptr<state> m_state;
};

// Summary of a whole trace, computed by streaming it once (memory independent of length).
struct trace_summary {
    std::string path;
    file_format format = file_format::pcap;
    int linktype = 1;
    bool nanosecond_source = false;
    uint64_t records = 0;
    uint64_t captured_bytes = 0; // sum of cap_len
    uint64_t original_bytes = 0; // sum of orig_len
    uint64_t sliced_records = 0; // records with cap_len < orig_len
    uint32_t max_cap_len = 0;
    uint64_t first_ts_ns = 0; // of the first record (0 when there are none)
    uint64_t last_ts_ns = 0;  // of the last record
    uint64_t min_ts_ns = 0;
    uint64_t max_ts_ns = 0;
    uint64_t backward_steps = 0; // records stamped earlier than the record before them
};

// Reads `path` to the end; throws evr::input_error like pcap_reader.
trace_summary scan_trace(const std::string& path);

const char* to_string(file_format f);

} // namespace evr::trace
