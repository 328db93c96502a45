// libFuzzer target: the trace reader (model/trace pcap_reader and scan_trace) on arbitrary
// file bytes. The reader opens files by path, so the bytes go into a memfd that is read back
// through /proc/self/fd/N: the same fopen path a real capture takes, no disk traffic.
// Contract checked: every failure is an evr::input_error of one line; records honour
// cap_len <= orig_len; scan_trace agrees with a full read on the record count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "evr/common/error.h"
#include "evr/trace/pcap_reader.h"

namespace {

// One memfd for the whole fuzzing session: rewritten and truncated per input.
int session_fd() {
    static const int fd = memfd_create("evr_fuzz_trace", 0);
    if (fd < 0)
        std::abort();
    return fd;
}

void check_one_line(const evr::input_error& e) {
    const std::string what = e.what();
    if (what.empty() || what.find('\n') != std::string::npos)
        std::abort(); // evrsim's contract: one line naming the file and the problem
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = session_fd();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        std::abort();
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    std::uint64_t read_records = 0;
    bool read_ok = false;
    try {
        evr::trace::pcap_reader reader(path);
        if (reader.linktype() != 1)
            std::abort(); // only Ethernet may get past the constructor
        evr::trace::record r{};
        while (reader.next(r)) {
            if (r.cap_len > r.orig_len || r.data == nullptr || r.index != read_records)
                std::abort();
            // Touch every byte so ASan sees any record shorter than it claims.
            volatile std::uint8_t sink = 0;
            for (std::uint32_t i = 0; i < r.cap_len; ++i)
                sink = sink ^ r.data[i];
            (void)sink;
            ++read_records;
        }
        read_ok = true;
    } catch (const evr::input_error& e) {
        check_one_line(e);
    }

    try {
        const evr::trace::trace_summary s = evr::trace::scan_trace(path);
        // evrsim relies on the scan and the simulation pass seeing the same file.
        if (read_ok && s.records != read_records)
            std::abort();
        if (s.sliced_records > s.records)
            std::abort();
    } catch (const evr::input_error& e) {
        check_one_line(e);
        if (read_ok)
            std::abort(); // scan refused what the reader read to the end
    }
    return 0;
}
