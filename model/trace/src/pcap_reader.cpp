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

// Whether the first pcapng interface stamps in ns or finer. libpcap validated the block
// when it opened the file but does not expose if_tsresol, so this looks it up in the
// block the snaplen filter saw; anything unexpected answers false (the answer is only
// informational).
bool interface_is_ns(const detail::pcapng_seen& seen) {
    const std::vector<uint8_t>& block = seen.first_idb;
    const bool swap = seen.swapped;
    if (block.size() < 20 + 4) {
        return false; // no options: the default resolution is µs
    }
    size_t pos = 16;
    const size_t end = block.size() - 4;
    while (pos + 4 <= end) {
        const uint16_t code = load16(block.data() + pos, swap);
        const uint16_t olen = load16(block.data() + pos + 2, swap);
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

} // namespace

struct pcap_reader::state {
    std::string path;
    pcap_t* pcap = nullptr;
    file_format format = file_format::pcap;
    bool nanosecond_source = false;
    detail::pcapng_seen seen; // pcapng: the first interface, before the filter zeroes its snaplen
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
    // "-" is that file (evrsim's command line maps "-" to /dev/stdin).
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
    // The magic tells pcap from pcapng. A regular file is peeked at in place; from a pipe
    // the four bytes are read and handed back through the filter stream, which serves
    // them first.
    uint8_t magic[4] = {0, 0, 0, 0};
    std::vector<uint8_t> prefix;
    const bool regular = S_ISREG(st.st_mode);
    if (regular) {
        if (::pread(::fileno(f), magic, sizeof magic, 0) != sizeof magic) {
            std::memset(magic, 0, sizeof magic);
        }
    } else {
        const size_t got = std::fread(magic, 1, sizeof magic, f);
        if (got == 0) {
            std::fclose(f);
            s.fail("empty input (nothing came through the pipe), not a pcap or pcapng file");
        }
        prefix.assign(magic, magic + got);
    }
    const uint32_t m = load32(magic, false);
    s.format = m == shb_magic ? file_format::pcapng : file_format::pcap;
    if (s.format == file_format::pcapng || !regular) {
        FILE* filtered = detail::open_pcapng_snaplen_filter(f, &s.seen, std::move(prefix),
                                                            s.format == file_format::pcapng);
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
        s.nanosecond_source = interface_is_ns(s.seen);
        s.seen.first_idb = {}; // up to 16 MiB of options: not needed after the open
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
    // libpcap reads the pcap fraction field as a signed 32-bit value, and a pcapng time
    // whose units overflow comes out with negative seconds: say which, not "negative".
    if (frac < 0) {
        s.fail_record("timestamp's fraction of a second is out of range (the field reads "
                      "2^31 or more; corrupt record header)");
    }
    if (sec < 0) {
        s.fail_record("timestamp out of range (the interface's time units overflow 64-bit "
                      "seconds; corrupt block)");
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
        return m_state->seen.first_snaplen; // libpcap only sees the zeroed field
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
