// libFuzzer target: the trace reader (model/trace pcap_reader and scan_trace) on arbitrary
// file bytes. The reader opens files by path, so the bytes go into a memfd that is read back
// through /proc/self/fd/N: the same fopen path a real capture takes, no disk traffic.
// Contract checked: every failure is an evr::input_error of one line; records honour
// cap_len <= orig_len; scan_trace agrees with a full read on the record count; the same
// bytes read from a pipe (as `cat x.pcap | evrsim -` gives them) yield the same records or
// the same refusal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
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

// Reads the trace at `path` to the end: the record count, or -1 when it was refused.
std::int64_t read_all(const std::string& path) {
    std::uint64_t read_records = 0;
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
    } catch (const evr::input_error& e) {
        check_one_line(e);
        return -1;
    }
    return static_cast<std::int64_t>(read_records);
}

// The bytes through a pipe: written whole (the pipe is made big enough), then read back.
std::int64_t read_through_pipe(const std::uint8_t* data, std::size_t size) {
    int fds[2];
    if (pipe(fds) != 0)
        std::abort();
    if (size > 0 && fcntl(fds[1], F_SETPIPE_SZ, static_cast<int>(size)) < 0) {
        close(fds[0]);
        close(fds[1]);
        return -2; // pipe-max-size below the input: not comparable
    }
    if (size > 0 && write(fds[1], data, size) != static_cast<ssize_t>(size))
        std::abort();
    close(fds[1]);
    const std::int64_t n = read_all("/proc/self/fd/" + std::to_string(fds[0]));
    close(fds[0]);
    return n;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const int fd = session_fd();
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
        std::abort();
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    const std::int64_t from_file = read_all(path);
    const bool read_ok = from_file >= 0;
    const auto read_records = static_cast<std::uint64_t>(from_file);
    if (size <= 1024 * 1024) {
        const std::int64_t from_pipe = read_through_pipe(data, size);
        if (from_pipe != -2 && from_pipe != from_file)
            std::abort(); // a pipe must give what the file gives
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
