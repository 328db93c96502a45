#include "pcapng_snaplen_filter.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdio.h>
#include <sys/types.h>
#include <vector>

namespace evr::trace::detail {

namespace {

constexpr uint32_t shb_type = 0x0A0D0D0Au; // the same in both byte orders
constexpr uint32_t idb_type = 1;
// libpcap 1.10 refuses blocks above 16 MiB; a larger length is left for it to report.
constexpr uint32_t max_block = 16u << 20;

struct filter {
    FILE* raw = nullptr;
    pcapng_seen* seen = nullptr;
    std::vector<uint8_t> prefix; // served before raw's bytes
    size_t prefix_pos = 0;
    bool seen_idb = false;
    std::vector<uint8_t> buf; // the current block, possibly patched
    size_t pos = 0;
    bool passthrough = false; // framing no longer understood: copy bytes as they are
    bool swap = false;
    uint64_t delivered = 0;

    uint32_t load32(const uint8_t* p) const {
        uint32_t v;
        std::memcpy(&v, p, 4);
        return swap ? __builtin_bswap32(v) : v;
    }

    // Appends up to n bytes of raw to buf; returns how many arrived. The buffer grows with
    // what arrives, 64 KiB at a time: a block header may claim 16 MiB in a file of 100
    // bytes, and zeroing that much per read made such inputs slow (a fuzz timeout).
    size_t pull(size_t n) {
        size_t got = 0;
        while (got < n) {
            const size_t step = std::min<size_t>(n - got, 64 * 1024);
            const size_t old = buf.size();
            buf.resize(old + step);
            size_t arrived = 0;
            const size_t from_prefix = std::min(step, prefix.size() - prefix_pos);
            if (from_prefix > 0) {
                std::memcpy(buf.data() + old, prefix.data() + prefix_pos, from_prefix);
                prefix_pos += from_prefix;
                arrived = from_prefix;
            }
            arrived += std::fread(buf.data() + old + arrived, 1, step - arrived, raw);
            buf.resize(old + arrived);
            got += arrived;
            if (arrived < step) {
                break; // end of input (or an error, which filter_read reports)
            }
        }
        return got;
    }

    // Loads the next block (or raw chunk) into buf. False at end of input or on error.
    bool refill() {
        buf.clear();
        pos = 0;
        if (passthrough) {
            return pull(64 * 1024) > 0;
        }
        if (pull(8) < 8) {
            passthrough = true;
            return !buf.empty();
        }
        uint32_t type = load32(buf.data());
        if (type == shb_type) {
            if (pull(4) < 4) {
                passthrough = true;
                return true;
            }
            uint32_t bom;
            std::memcpy(&bom, buf.data() + 8, 4);
            if (bom == 0x1A2B3C4Du || bom == 0x4D3C2B1Au) {
                swap = bom == 0x4D3C2B1Au;
            } else {
                passthrough = true;
                return true;
            }
        }
        const uint32_t len = load32(buf.data() + 4);
        if (len < 12 || len % 4 != 0 || len > max_block) {
            passthrough = true;
            return true;
        }
        const size_t want = len - buf.size();
        if (pull(want) < want) {
            passthrough = true; // truncated: libpcap will say so
            return true;
        }
        if (type == idb_type && len >= 20) {
            if (!seen_idb && seen != nullptr) {
                seen->first_snaplen = load32(buf.data() + 12);
                seen->first_idb = buf;
                seen->swapped = swap;
            }
            seen_idb = true;
            std::memset(buf.data() + 12, 0, 4);
        }
        return true;
    }
};

ssize_t filter_read(void* cookie, char* out, size_t n) {
    filter& f = *static_cast<filter*>(cookie);
    if (f.pos == f.buf.size() && !f.refill()) {
        return std::ferror(f.raw) ? -1 : 0;
    }
    const size_t k = std::min(n, f.buf.size() - f.pos);
    std::memcpy(out, f.buf.data() + f.pos, k);
    f.pos += k;
    f.delivered += k;
    return static_cast<ssize_t>(k);
}

// Only "where am I" is supported, so ftell() works for progress reports.
int filter_seek(void* cookie, off64_t* offset, int whence) {
    const filter& f = *static_cast<filter*>(cookie);
    if (whence == SEEK_CUR && *offset == 0) {
        *offset = static_cast<off64_t>(f.delivered);
        return 0;
    }
    return -1;
}

int filter_close(void* cookie) {
    std::unique_ptr<filter> f(static_cast<filter*>(cookie));
    return std::fclose(f->raw);
}

} // namespace

FILE* open_pcapng_snaplen_filter(FILE* raw, pcapng_seen* seen, std::vector<uint8_t> prefix,
                                 bool pcapng) {
    auto f = std::make_unique<filter>();
    f->raw = raw;
    f->seen = seen;
    f->prefix = std::move(prefix);
    f->passthrough = !pcapng;
    cookie_io_functions_t io{};
    io.read = filter_read;
    io.seek = filter_seek;
    io.close = filter_close;
    FILE* out = ::fopencookie(f.get(), "rb", io);
    if (out != nullptr) {
        f.release(); // owned by the stream now
    }
    return out;
}

} // namespace evr::trace::detail
