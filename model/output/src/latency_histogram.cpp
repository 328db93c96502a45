#include "evr/output/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace evr::output {

namespace {
constexpr std::uint32_t exact = 64; // below this, one bucket per value
constexpr std::uint32_t sub = 32;   // linear sub-buckets per power of two above it
constexpr std::uint32_t first_exp = 6;
} // namespace

std::uint32_t latency_histogram::bucket_of(std::uint64_t v) {
    if (v < exact)
        return static_cast<std::uint32_t>(v);
    const std::uint32_t e = 63 - static_cast<std::uint32_t>(__builtin_clzll(v));
    const std::uint64_t offset = (v - (std::uint64_t{1} << e)) >> (e - 5);
    return exact + (e - first_exp) * sub + static_cast<std::uint32_t>(offset);
}

std::uint64_t latency_histogram::upper_of(std::uint32_t b) {
    if (b < exact)
        return b;
    const std::uint32_t e = first_exp + (b - exact) / sub;
    const std::uint64_t offset = (b - exact) % sub;
    return (std::uint64_t{1} << e) + ((offset + 1) << (e - 5)) - 1;
}

void latency_histogram::cover(std::uint32_t b) {
    if (m_buckets.empty()) {
        m_first = b;
        m_buckets.assign(1, 0);
    } else if (b < m_first) {
        m_buckets.insert(m_buckets.begin(), m_first - b, 0);
        m_first = b;
    } else if (b - m_first >= m_buckets.size()) {
        m_buckets.resize(b - m_first + 1, 0);
    }
}

void latency_histogram::add(std::uint64_t cycles) {
    const std::uint32_t b = bucket_of(cycles);
    cover(b);
    ++m_buckets[b - m_first];
    ++m_count;
    m_sum += cycles;
    m_min = std::min(m_min, cycles);
    m_max = std::max(m_max, cycles);
}

void latency_histogram::merge(const latency_histogram& other) {
    if (other.m_count == 0)
        return;
    const std::uint32_t other_last =
        other.m_first + static_cast<std::uint32_t>(other.m_buckets.size()) - 1;
    cover(other.m_first);
    cover(other_last);
    for (std::size_t b = 0; b < other.m_buckets.size(); ++b)
        m_buckets[other.m_first - m_first + b] += other.m_buckets[b];
    m_count += other.m_count;
    m_sum += other.m_sum;
    m_min = std::min(m_min, other.m_min);
    m_max = std::max(m_max, other.m_max);
}

std::uint64_t latency_histogram::percentile(double p) const {
    if (m_count == 0)
        return 0;
    const auto rank =
        static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(m_count)));
    std::uint64_t seen = 0;
    for (std::uint32_t b = 0; b < m_buckets.size(); ++b) {
        seen += m_buckets[b];
        if (seen >= std::max<std::uint64_t>(rank, 1))
            return std::min(upper_of(m_first + b), m_max);
    }
    return m_max;
}

} // namespace evr::output
