// Nanosecond pcap writer (linktype Ethernet) for evrsim's per-connection and dropped-frame
// outputs. See docs/trace_io.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace evr::trace {

struct record;

// Writes one pcap file through libpcap's dump API. Each open writer holds exactly one FILE*
// (one file descriptor) and one stdio buffer; nothing else, so thousands can be open at once
// within the process's descriptor limit (`ulimit -n`).
//
// Errors (cannot create, disk full, ...) throw evr::input_error "PATH: problem". After a write
// error the file is cut back to the last record that reached the disk whole, so what was
// written stays a valid pcap; every later write()/flush() throws the same error again.
class pcap_writer {
public:
    static constexpr uint32_t default_snaplen = 262144; // libpcap's maximum for Ethernet
    static constexpr size_t default_buffer_bytes = 64 * 1024;

    explicit pcap_writer(const std::string& path, uint32_t snaplen = default_snaplen,
                         size_t buffer_bytes = default_buffer_bytes);
    // Writes to an open descriptor (taken over, even when this throws); `path` only names
    // the file in messages. A descriptor opened O_RDWR lets a failed file be cut back.
    pcap_writer(int fd, const std::string& path, uint32_t snaplen = default_snaplen,
                size_t buffer_bytes = default_buffer_bytes);
    // Closes the file. Errors found at that point cannot be thrown from a destructor and are
    // lost: call close() to see them.
    ~pcap_writer();
    // A moved-from pcap_writer may only be destroyed or assigned to.
    pcap_writer(pcap_writer&&) noexcept;
    pcap_writer& operator=(pcap_writer&&) noexcept;
    pcap_writer(const pcap_writer&) = delete;
    pcap_writer& operator=(const pcap_writer&) = delete;

    // Appends a record stamped `ts_ns` (ns since the Unix epoch). cap_len must not exceed
    // orig_len (std::invalid_argument otherwise); a cap_len above the snaplen is sliced to it,
    // as a capture would be, keeping orig_len.
    void write(uint64_t ts_ns, const uint8_t* data, uint32_t cap_len, uint32_t orig_len);
    void write(const record& r); // copies a reader's record unchanged
    void flush();
    void close(); // idempotent; throws if the final flush fails
    bool is_open() const;
    uint64_t records() const; // records written so far
    // After a write error: not even the file header reached the disk, so the file (now
    // empty) is not a pcap and the caller should remove it.
    bool header_lost() const;
    uint32_t snaplen() const;
    const std::string& path() const;

private:
    struct state;
    void start(uint32_t snaplen, size_t buffer_bytes); // the header, once the FILE is open
    std::unique_ptr<state> m_state;
};

} // namespace evr::trace
