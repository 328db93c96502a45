#include "evr/trace/pcap_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <pcap/pcap.h>
#include <stdexcept>
#include <stdio_ext.h>
#include <unistd.h>
#include <vector>

#include "evr/common/error.h"
#include "evr/trace/pcap_reader.h"
#include "pcap_util.h"

namespace evr::trace {

namespace {

constexpr uint64_t ns_per_s = 1000000000ull;
constexpr uint64_t file_header_bytes = 24;
constexpr uint64_t record_header_bytes = 16;
// Small enough that a run delivering to 100 k connections holds 100 k buffers cheaply
// (record_writer shares a budget among them); stdio writes larger records straight through.
constexpr size_t min_buffer_bytes = 512;

std::string open_problem(int err) {
    std::string problem = std::string("cannot create: ") + std::strerror(err);
    if (err == EMFILE || err == ENFILE) {
        // One descriptor per open output file: many connections can exhaust the limit.
        problem += " (one file descriptor per open pcap; raise the limit with `ulimit -n`)";
    }
    return problem;
}

} // namespace

struct pcap_writer::state {
    // A record boundary in the file: `offset` bytes hold the header and `records` records.
    struct mark {
        uint64_t offset = 0;
        uint64_t records = 0;
    };

    std::string path;
    uint32_t snaplen = default_snaplen;
    size_t buffer_bytes = default_buffer_bytes;
    std::unique_ptr<char[]> buffer; // the FILE's stdio buffer; must outlive the FILE
    pcap_t* dead = nullptr;
    pcap_dumper_t* dumper = nullptr;
    FILE* file = nullptr;
    uint64_t records = 0;
    uint64_t logical_bytes = 0; // bytes handed to stdio so far
    // `durable` is a boundary certainly on disk; `pending` holds the later boundaries that
    // may still sit in the stdio buffer. After a write error the file is cut back to the
    // last boundary the kernel has, so it ends on a whole record.
    mark durable;
    // (A vector read from `pending_head`: a deque costs 600 bytes even when empty, and a
    // connection's writer is open for the whole run.)
    std::vector<mark> pending;
    size_t pending_head = 0;
    std::string error; // set once a write failed; later calls rethrow it
    bool header_lost = false;

    ~state() { release(); }

    void release() {
        if (dumper != nullptr) {
            pcap_dump_close(dumper); // fcloses `file`
            dumper = nullptr;
            file = nullptr;
        }
        if (file != nullptr) {
            std::fclose(file);
            file = nullptr;
        }
        if (dead != nullptr) {
            pcap_close(dead);
            dead = nullptr;
        }
    }

    [[noreturn]] void fail_open(const std::string& problem) {
        release();
        throw input_error(file_problem(path, problem));
    }

    [[noreturn]] void fail_write(int err) {
        const int fd = ::fileno(file);
        const off_t on_disk = ::lseek(fd, 0, SEEK_CUR);
        mark keep = durable;
        for (size_t i = pending_head; i < pending.size(); ++i) {
            const mark& m = pending[i];
            if (on_disk >= 0 && m.offset <= static_cast<uint64_t>(on_disk)) {
                keep = m;
            }
        }
        // Drop what stdio still buffers so closing cannot append another partial record,
        // then cut the file back to the last whole record.
        __fpurge(file);
        bool whole = on_disk >= 0 && static_cast<uint64_t>(on_disk) == keep.offset;
        if (!whole && on_disk >= 0) {
            whole = ::ftruncate(fd, static_cast<off_t>(keep.offset)) == 0;
        }
        header_lost = keep.offset < file_header_bytes;
        release();
        error = file_problem(
            path,
            "write failed after " + std::to_string(records) + " records: " + std::strerror(err) +
                (whole ? "; the file keeps the first " + std::to_string(keep.records) + " records"
                       : "; the file may end in a partial record"));
        throw input_error(error);
    }

    void check_usable() const {
        if (!error.empty()) {
            throw input_error(error);
        }
        if (dumper == nullptr) {
            throw std::logic_error(path + ": pcap_writer used after close()");
        }
    }
};

pcap_writer::pcap_writer(const std::string& path, uint32_t snaplen, size_t buffer_bytes)
    : m_state(std::make_unique<state>()) {
    m_state->path = path;
    // Open the FILE ourselves (pcap_dump_fopen, not pcap_dump_open): errno is then ours to
    // report, and the buffer can be set before the first I/O as setvbuf requires.
    m_state->file = std::fopen(path.c_str(), "wb");
    if (m_state->file == nullptr) {
        m_state->fail_open(open_problem(errno));
    }
    start(snaplen, buffer_bytes);
}

pcap_writer::pcap_writer(int fd, const std::string& path, uint32_t snaplen, size_t buffer_bytes)
    : m_state(std::make_unique<state>()) {
    m_state->path = path;
    m_state->file = ::fdopen(fd, "wb");
    if (m_state->file == nullptr) {
        const int err = errno;
        ::close(fd);
        m_state->fail_open(open_problem(err));
    }
    start(snaplen, buffer_bytes);
}

void pcap_writer::start(uint32_t snaplen, size_t buffer_bytes) {
    state& s = *m_state;
    s.snaplen = snaplen == 0 ? default_snaplen : snaplen;
    s.buffer_bytes = std::max(buffer_bytes, min_buffer_bytes);
    s.buffer.reset(new char[s.buffer_bytes]);
    std::setvbuf(s.file, s.buffer.get(), _IOFBF, s.buffer_bytes);
    // A dead handle opens no descriptor; nano precision makes pcap_dump write the
    // nanosecond magic and take pcap_pkthdr::ts.tv_usec as nanoseconds.
    s.dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, static_cast<int>(s.snaplen),
                                                  PCAP_TSTAMP_PRECISION_NANO);
    if (s.dead == nullptr) {
        s.fail_open("cannot create: libpcap could not allocate a handle");
    }
    s.dumper = pcap_dump_fopen(s.dead, s.file);
    if (s.dumper == nullptr) {
        s.fail_open("cannot create: " + detail::clean_pcap_message(pcap_geterr(s.dead), s.path));
    }
    // The dumper is the FILE alone once the header is written; the handle (a kilobyte or
    // so) is not needed for the writer's life.
    pcap_close(s.dead);
    s.dead = nullptr;
    s.logical_bytes = file_header_bytes;
    s.pending.push_back({file_header_bytes, 0});
    if (std::ferror(s.file)) {
        s.fail_write(errno);
    }
}

pcap_writer::~pcap_writer() {
    if (m_state == nullptr) {
        return; // moved from
    }
    try {
        close();
    } catch (...) {
        // A destructor cannot report it; close() explicitly to see write errors.
    }
}

pcap_writer::pcap_writer(pcap_writer&&) noexcept = default;

pcap_writer& pcap_writer::operator=(pcap_writer&& other) noexcept {
    if (this != &other) {
        if (m_state != nullptr) {
            try {
                close();
            } catch (...) {
                // As in the destructor: the file being replaced cannot report errors here.
            }
        }
        m_state = std::move(other.m_state);
    }
    return *this;
}

void pcap_writer::write(uint64_t ts_ns, const uint8_t* data, uint32_t cap_len, uint32_t orig_len) {
    state& s = *m_state;
    s.check_usable();
    if (cap_len > orig_len) {
        throw std::invalid_argument(s.path + ": cap_len " + std::to_string(cap_len) +
                                    " exceeds orig_len " + std::to_string(orig_len));
    }
    if (data == nullptr && cap_len > 0) {
        throw std::invalid_argument(s.path + ": null data with cap_len > 0");
    }
    const uint64_t sec = ts_ns / ns_per_s;
    if (sec > std::numeric_limits<uint32_t>::max()) {
        // The pcap record's seconds field is 32 bits; it cannot be written, but the file so
        // far is intact, so this is not a write failure.
        throw input_error(
            file_problem(s.path, "record " + std::to_string(s.records + 1) + ": timestamp " +
                                     std::to_string(ts_ns) +
                                     " ns is after 2106-02-07, beyond what pcap stores"));
    }
    struct pcap_pkthdr hdr {};
    hdr.ts.tv_sec = static_cast<time_t>(sec);
    hdr.ts.tv_usec = static_cast<suseconds_t>(ts_ns % ns_per_s); // ns: nano-precision handle
    hdr.caplen = std::min(cap_len, s.snaplen);
    hdr.len = orig_len;
    pcap_dump(reinterpret_cast<u_char*>(s.dumper), &hdr, data);
    if (std::ferror(s.file)) {
        s.fail_write(errno);
    }
    ++s.records;
    s.logical_bytes += record_header_bytes + hdr.caplen;
    s.pending.push_back({s.logical_bytes, s.records});
    // stdio holds at most buffer_bytes unwritten, so older boundaries are on disk.
    while (s.pending_head < s.pending.size() &&
           s.pending[s.pending_head].offset + s.buffer_bytes <= s.logical_bytes) {
        s.durable = s.pending[s.pending_head++];
    }
    if (s.pending_head * 2 > s.pending.size()) { // amortised O(1) per record
        s.pending.erase(s.pending.begin(), s.pending.begin() + static_cast<long>(s.pending_head));
        s.pending_head = 0;
    }
}

void pcap_writer::write(const record& r) {
    write(r.ts_ns, r.data, r.cap_len, r.orig_len);
}

void pcap_writer::flush() {
    state& s = *m_state;
    s.check_usable();
    if (pcap_dump_flush(s.dumper) != 0 || std::ferror(s.file)) {
        s.fail_write(errno);
    }
    s.durable = {s.logical_bytes, s.records};
    s.pending.clear();
    s.pending_head = 0;
}

void pcap_writer::close() {
    state& s = *m_state;
    if (s.dumper == nullptr) {
        return; // already closed, or closed by a write error that was already thrown
    }
    // pcap_dump_close() returns nothing, so flush first to see any error.
    if (pcap_dump_flush(s.dumper) != 0 || std::ferror(s.file)) {
        s.fail_write(errno);
    }
    s.release();
}

bool pcap_writer::is_open() const {
    return m_state->dumper != nullptr;
}
uint64_t pcap_writer::records() const {
    return m_state->records;
}
bool pcap_writer::header_lost() const {
    return m_state->header_lost;
}
uint32_t pcap_writer::snaplen() const {
    return m_state->snaplen;
}
const std::string& pcap_writer::path() const {
    return m_state->path;
}

} // namespace evr::trace
