// Anchor (f) of docs/performance.md: evr's trace reader against a bare libpcap read loop
// over the same file, and a generator for the file.
//   evr_trace_read make FILE FRAMES       write FRAMES 64-byte frames to 1024 MACs
//   evr_trace_read time FILE [REPS]       time both read loops, median of REPS
// `time` prints {"records": N, "bare_seconds": S, "reader_seconds": S} on stdout.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pcap/pcap.h>
#include <string>
#include <vector>

#include "evr/common/error.h"
#include "evr/trace/pcap_reader.h"
#include "evr/trace/pcap_writer.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int make(const std::string& path, std::uint64_t frames) {
    evr::trace::pcap_writer w(path);
    std::vector<std::uint8_t> f(60, 0);
    f[12] = 0x08; // IPv4 ethertype, so parsers see an ordinary frame
    for (std::uint64_t i = 0; i < frames; ++i) {
        const std::uint32_t k = static_cast<std::uint32_t>(i % 1024);
        f[0] = 0x02;
        f[4] = static_cast<std::uint8_t>(k >> 8);
        f[5] = static_cast<std::uint8_t>(k);
        f[6] = 0x02;
        f[11] = 0x01;
        w.write(1'000'000'000ull + i * 67, f.data(), 60, 60); // 64 B + preamble/IFG at 10G
    }
    w.close();
    return 0;
}

// The bare loop: what libpcap itself costs, with the least work that still touches
// every record (sum of lengths, so the loop cannot be optimised away).
double bare(const std::string& path, std::uint64_t& records) {
    char err[PCAP_ERRBUF_SIZE];
    const auto t = std::chrono::steady_clock::now();
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (!p) {
        std::fprintf(stderr, "evr_trace_read: %s\n", err);
        std::exit(2);
    }
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    std::uint64_t n = 0, sum = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        ++n;
        sum += h->caplen + d[0];
    }
    pcap_close(p);
    const double s = seconds_since(t);
    records = n + (sum == 0); // keep `sum` alive
    return s;
}

double reader(const std::string& path, std::uint64_t& records) {
    const auto t = std::chrono::steady_clock::now();
    evr::trace::pcap_reader r(path);
    evr::trace::record rec;
    std::uint64_t n = 0, sum = 0;
    while (r.next(rec)) {
        ++n;
        sum += rec.cap_len + rec.data[0];
    }
    const double s = seconds_since(t);
    records = n + (sum == 0);
    return s;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char* argv[]) {
    try {
        if (argc >= 4 && std::string(argv[1]) == "make")
            return make(argv[2], std::strtoull(argv[3], nullptr, 10));
        if (argc >= 3 && std::string(argv[1]) == "time") {
            const int reps = argc > 3 ? std::max(1, std::atoi(argv[3])) : 5;
            std::vector<double> b, r;
            std::uint64_t nb = 0, nr = 0;
            for (int i = 0; i < reps; ++i) {
                b.push_back(bare(argv[2], nb));
                r.push_back(reader(argv[2], nr));
            }
            if (nb != nr) {
                std::fprintf(stderr, "evr_trace_read: record counts differ: %llu vs %llu\n",
                             static_cast<unsigned long long>(nb),
                             static_cast<unsigned long long>(nr));
                return 1;
            }
            std::printf("{\"records\": %llu, \"bare_seconds\": %.6f, \"reader_seconds\": %.6f}\n",
                        static_cast<unsigned long long>(nr), median(b), median(r));
            return 0;
        }
    } catch (const evr::input_error& e) {
        std::fprintf(stderr, "evr_trace_read: %s\n", e.what());
        return 2;
    }
    std::fprintf(stderr, "usage: evr_trace_read make FILE FRAMES | time FILE [REPS]\n");
    return 2;
}
