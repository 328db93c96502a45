#include "evr/trace/pcap_reader.h"

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evr/common/error.h"
#include "pcap_util.h"
#include "pcapng_snaplen_filter.h"

namespace evr::trace {

namespace {

constexpr uint64_t ns_per_s = 1000000000ull;
constexpr uint32_t shb_magic = 0x0A0D0D0Au; // pcapng section header: any byte order

// libpcap never hands out a null packet pointer for a record it read, but a record with
// cap_len 0 is legal and callers must not have to special-case it.
const uint8_t empty_frame[1] = {0};

uint32_t load32(const uint8_t* p, bool swap) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

uint16_t load16(const uint8_t* p, bool swap) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return swap ? __builtin_bswap16(v) : v;
}

bool pread_all(int fd, uint8_t* buf, size_t len, uint64_t offset) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = ::pread(fd, buf + done, len - done, static_cast<off_t>(offset + done));
        if (n <= 0) {
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

// Whether the first pcapng interface stamps in ns or finer. libpcap already validated the
// section and interface blocks when it opened the file, but it does not expose if_tsresol,
// so this looks it up; it only reads metadata (never records) and gives up quietly on
// anything unexpected, since the answer is informational.
bool pcapng_first_interface_is_ns(int fd) {
    constexpr uint32_t max_block = 1u << 20;
    uint8_t hdr[12];
    if (!pread_all(fd, hdr, sizeof hdr, 0)) {
        return false;
    }
    const uint32_t bom = load32(hdr + 8, false);
    const bool swap = bom == 0x4D3C2B1Au;
    uint64_t offset = 0;
    // Skip the section header and any non-interface blocks (libpcap does the same).
    for (int blocks = 0; blocks < 64; ++blocks) {
        uint8_t bh[8];
        if (!pread_all(fd, bh, sizeof bh, offset)) {
            return false;
        }
        const uint32_t type = load32(bh, swap);
        const uint32_t len = load32(bh + 4, swap);
        if (len < 12 || len > max_block || len % 4 != 0) {
            return false;
        }
        if (type == 1) { // interface description block
            if (len < 20 + 4) {
                return false; // no options: the default resolution is µs
            }
            std::unique_ptr<uint8_t[]> block(new uint8_t[len]);
            if (!pread_all(fd, block.get(), len, offset)) {
                return false;
            }
            uint32_t pos = 16;
            const uint32_t end = len - 4;
            while (pos + 4 <= end) {
                const uint16_t code = load16(block.get() + pos, swap);
                const uint16_t olen = load16(block.get() + pos + 2, swap);
                pos += 4;
                if (code == 0 || pos + olen > end) {
                    break;
                }
                if (code == 9 && olen >= 1) { // if_tsresol
                    const uint8_t v = block[pos];
                    return (v & 0x80) ? (v & 0x7f) >= 30 : v >= 9;
                }
                pos += (olen + 3u) & ~3u;
            }
            return false;
        }
        offset += len;
    }
    return false;
}

} // namespace

struct pcap_reader::state {
    std::string path;
    pcap_t* pcap = nullptr;
    file_format format = file_format::pcap;
    bool nanosecond_source = false;
    uint32_t first_snaplen = 0; // pcapng: the first interface's, before the filter zeroes it
    uint64_t records = 0;
    std::string error; // set once next() failed; later calls rethrow it

    ~state() {
        if (pcap != nullptr) {
            pcap_close(pcap); // also closes the FILE* handed to libpcap
        }
    }

    [[noreturn]] void fail(const std::string& problem) {
        throw input_error(file_problem(path, problem));
    }

    [[noreturn]] void fail_record(const std::string& problem) {
        error = file_problem(path, "record " + std::to_string(records + 1) + ": " + problem);
        throw input_error(error);
    }
};

pcap_reader::pcap_reader(const std::string& path) : m_state(std::make_unique<state>()) {
    state& s = *m_state;
    s.path = path;
    // fopen + pcap_fopen_offline_with_tstamp_precision rather than pcap_open_offline_...:
    // the same libpcap reader, but errno from the open is ours to report, and a file named
    // "-" is that file, not stdin (a trace is read twice: scan, then simulate).
    FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) {
        s.fail(std::string("cannot open: ") + std::strerror(errno));
    }
    struct stat st {};
    if (::fstat(::fileno(f), &st) != 0) {
        const int err = errno;
        std::fclose(f);
        s.fail(std::string("cannot open: ") + std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        std::fclose(f);
        s.fail("is a directory, not a pcap or pcapng file");
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        std::fclose(f);
        s.fail("empty file, not a pcap or pcapng file");
    }
    const int fd = ::fileno(f);
    uint8_t magic[4] = {0, 0, 0, 0};
    const bool have_magic = pread_all(fd, magic, sizeof magic, 0);
    const uint32_t m = have_magic ? load32(magic, false) : 0;
    s.format = m == shb_magic ? file_format::pcapng : file_format::pcap;
    if (s.format == file_format::pcapng) {
        FILE* filtered = detail::open_pcapng_snaplen_filter(f, &s.first_snaplen);
        if (filtered == nullptr) {
            const int err = errno;
            std::fclose(f);
            s.fail(std::string("cannot open: ") + std::strerror(err));
        }
        f = filtered;
    }

    char errbuf[PCAP_ERRBUF_SIZE] = {0};
    s.pcap = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (s.pcap == nullptr) {
        std::fclose(f); // libpcap leaves a FILE* it was given open when it fails
        const std::string msg = detail::clean_pcap_message(errbuf, path);
        if (msg == "unknown file format") {
            s.fail("not a pcap or pcapng file (unknown file format)");
        }
        s.fail(msg);
    }
    const int dlt = pcap_datalink(s.pcap);
    if (dlt != DLT_EN10MB) {
        s.fail(detail::linktype_problem("linktype", dlt));
    }
    if (s.format == file_format::pcapng) {
        s.nanosecond_source = pcapng_first_interface_is_ns(fd);
    } else {
        s.nanosecond_source = m == 0xA1B23C4Du || m == 0x4D3CB2A1u;
    }
}

pcap_reader::~pcap_reader() = default;
pcap_reader::pcap_reader(pcap_reader&&) noexcept = default;
pcap_reader& pcap_reader::operator=(pcap_reader&&) noexcept = default;

bool pcap_reader::next(record& r) {
    state& s = *m_state;
    if (!s.error.empty()) {
        throw input_error(s.error);
    }
    struct pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(s.pcap, &hdr, &data);
    if (rc == PCAP_ERROR_BREAK) {
        return false; // end of file
    }
    if (rc != 1) {
        const std::string msg = detail::clean_pcap_message(pcap_geterr(s.pcap), s.path);
        unsigned lt = 0;
        // libpcap 1.10 accepts a pcapng with several interfaces only if they all share the
        // first one's linktype (and snaplen, which the filter evens out), and says so while
        // reading a record, not at open.
        if (std::sscanf(msg.c_str(), "an interface has a type %u different", &lt) == 1) {
            s.fail_record(
                detail::linktype_problem("a later interface's linktype", static_cast<int>(lt)));
        }
        s.fail_record(msg);
    }
    if (hdr->caplen > hdr->len) {
        // Not a sliced frame but an impossible one: no capture holds more bytes than the
        // frame had. Guessing which length is right would skew the simulated timing.
        s.fail_record("captured length " + std::to_string(hdr->caplen) +
                      " is larger than the original length " + std::to_string(hdr->len) +
                      " (corrupt record header)");
    }
    int64_t sec = hdr->ts.tv_sec;
    const int64_t frac = hdr->ts.tv_usec; // nanoseconds: the handle is nano precision
    if (sec < 0 && s.format == file_format::pcap && sec >= std::numeric_limits<int32_t>::min()) {
        // The pcap record stores seconds as an unsigned 32-bit field (valid to 2106);
        // libpcap sign-extends it.
        sec += int64_t{1} << 32;
    }
    if (sec < 0 || frac < 0) {
        s.fail_record("negative timestamp (corrupt record header)");
    }
    const uint64_t usec = static_cast<uint64_t>(sec);
    const uint64_t ufrac = static_cast<uint64_t>(frac);
    if (usec > (std::numeric_limits<uint64_t>::max() - ufrac) / ns_per_s) {
        s.fail_record("timestamp does not fit in 64-bit nanoseconds");
    }
    r.index = s.records;
    // A fraction of a second >= 1e9 ns only occurs in damaged files; carrying it into the
    // seconds is exact and keeps the record usable.
    r.ts_ns = usec * ns_per_s + ufrac;
    r.cap_len = hdr->caplen;
    r.orig_len = hdr->len;
    r.data = data != nullptr ? data : empty_frame;
    ++s.records;
    return true;
}

int pcap_reader::linktype() const {
    return pcap_datalink(m_state->pcap);
}
uint32_t pcap_reader::snaplen() const {
    if (m_state->format == file_format::pcapng) {
        return m_state->first_snaplen; // libpcap only sees the zeroed field
    }
    return static_cast<uint32_t>(pcap_snapshot(m_state->pcap));
}
file_format pcap_reader::format() const {
    return m_state->format;
}
bool pcap_reader::nanosecond_source() const {
    return m_state->nanosecond_source;
}
const std::string& pcap_reader::path() const {
    return m_state->path;
}
uint64_t pcap_reader::records_read() const {
    return m_state->records;
}

uint64_t pcap_reader::byte_offset() const {
    const long pos = std::ftell(pcap_file(m_state->pcap));
    return pos < 0 ? 0 : static_cast<uint64_t>(pos);
}

trace_summary scan_trace(const std::string& path) {
    pcap_reader reader(path);
    trace_summary sum;
    sum.path = path;
    sum.format = reader.format();
    sum.linktype = reader.linktype();
    sum.nanosecond_source = reader.nanosecond_source();
    record r;
    while (reader.next(r)) {
        if (sum.records == 0) {
            sum.first_ts_ns = sum.min_ts_ns = sum.max_ts_ns = r.ts_ns;
        } else {
            if (r.ts_ns < sum.last_ts_ns) {
                ++sum.backward_steps;
            }
            sum.min_ts_ns = std::min(sum.min_ts_ns, r.ts_ns);
            sum.max_ts_ns = std::max(sum.max_ts_ns, r.ts_ns);
        }
        sum.last_ts_ns = r.ts_ns;
        ++sum.records;
        sum.captured_bytes += r.cap_len;
        sum.original_bytes += r.orig_len;
        if (r.cap_len < r.orig_len) {
            ++sum.sliced_records;
        }
        sum.max_cap_len = std::max(sum.max_cap_len, r.cap_len);
    }
    return sum;
}

const char* to_string(file_format f) {
    return f == file_format::pcapng ? "pcapng" : "pcap";
}

} // namespace evr::trace
