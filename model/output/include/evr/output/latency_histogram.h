// Latency distribution in constant memory: exact below 64 cycles, then 32 linear
// sub-buckets per power of two (about 3% resolution), so percentiles of millions of
// frames cost a few kilobytes per connection.
#pragma once

#include <cstdint>
#include <vector>

namespace evr::output {

class latency_histogram {
public:
    void add(std::uint64_t cycles);
    // Adds every sample of `other` (same bucketing, so percentiles stay exact per bucket).
    void merge(const latency_histogram& other);
    std::uint64_t count() const { return m_count; }
    std::uint64_t min() const { return m_count ? m_min : 0; }
    std::uint64_t max() const { return m_max; }
    double mean() const { return m_count ? static_cast<double>(m_sum) / m_count : 0.0; }
    // Smallest bucket upper bound below which `p` percent of the samples lie.
    std::uint64_t percentile(double p) const;

private:
    static std::uint32_t bucket_of(std::uint64_t v);
    static std::uint64_t upper_of(std::uint32_t b);

    // Makes m_buckets span bucket `b` too, keeping the counts it already has.
    void cover(std::uint32_t b);

    // Counts of buckets m_first .. m_first + size - 1 only: a connection's latencies sit
    // in a narrow band, so a histogram costs a few dozen bytes rather than the kilobytes
    // that buckets from 0 up to the largest latency would take (docs/reliability.md,
    // "Memory", bytes per connection).
    std::vector<std::uint64_t> m_buckets;
    std::uint32_t m_first = 0;
    std::uint64_t m_count = 0;
    std::uint64_t m_min = ~std::uint64_t{0};
    std::uint64_t m_max = 0;
    unsigned __int128 m_sum = 0;
};

} // namespace evr::output
