// latency_histogram keeps only the buckets between its lowest and highest sample; the
// percentiles, merges and extremes must be those of a histogram with every bucket.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <gtest/gtest.h>
#include <random>
#include <vector>

#include "evr/output/latency_histogram.h"

namespace {

using evr::output::latency_histogram;

// The smallest sample v with at least p percent of the samples <= v (nearest rank).
std::uint64_t nearest_rank(std::vector<std::uint64_t> v, double p) {
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * v.size()));
    return v[std::max<std::uint64_t>(rank, 1) - 1];
}

// Buckets are exact below 64 and 1/32 of a power of two wide above: a percentile is the
// bucket's upper bound, so it lies in [true value, true value * (1 + 1/32)].
void expect_close(const latency_histogram& h, const std::vector<std::uint64_t>& samples) {
    for (double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
        const std::uint64_t truth = nearest_rank(samples, p);
        const std::uint64_t got = h.percentile(p);
        EXPECT_GE(got, truth) << "p" << p;
        EXPECT_LE(got, truth + truth / 32) << "p" << p;
    }
    EXPECT_EQ(h.count(), samples.size());
    EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
    EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
}

TEST(latency_histogram, percentiles_when_samples_arrive_high_first_then_low) {
    // The first sample fixes the lowest bucket kept; later lower ones must grow it down.
    latency_histogram h;
    std::vector<std::uint64_t> samples{900000, 5000, 700, 3, 0, 64, 63, 1u << 20};
    for (std::uint64_t s : samples)
        h.add(s);
    expect_close(h, samples);
    EXPECT_EQ(h.percentile(0), 0u);
    EXPECT_EQ(h.percentile(100), std::uint64_t{1} << 20);
}

TEST(latency_histogram, random_samples_match_the_nearest_rank) {
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> dist(8.0, 2.0);
    latency_histogram h;
    std::vector<std::uint64_t> samples;
    for (int i = 0; i < 20000; ++i) {
        const auto v = static_cast<std::uint64_t>(dist(rng));
        samples.push_back(v);
        h.add(v);
    }
    expect_close(h, samples);
}

TEST(latency_histogram, merge_of_disjoint_bands_equals_one_histogram_of_all) {
    latency_histogram low, high, all;
    std::vector<std::uint64_t> samples;
    for (std::uint64_t v = 10; v < 40; ++v) {
        low.add(v);
        all.add(v);
        samples.push_back(v);
    }
    for (std::uint64_t v = 100000; v < 100500; v += 7) {
        high.add(v);
        all.add(v);
        samples.push_back(v);
    }
    latency_histogram merged_up = low, merged_down = high;
    merged_up.merge(high);  // the other band lies above
    merged_down.merge(low); // the other band lies below
    for (const latency_histogram* m : {&merged_up, &merged_down}) {
        expect_close(*m, samples);
        for (double p : {5.0, 50.0, 95.0})
            EXPECT_EQ(m->percentile(p), all.percentile(p)) << "p" << p;
        EXPECT_DOUBLE_EQ(m->mean(), all.mean());
    }
    latency_histogram empty;
    merged_up.merge(empty);
    EXPECT_EQ(merged_up.count(), samples.size());
    empty.merge(low);
    EXPECT_EQ(empty.percentile(50), low.percentile(50));
}

} // namespace
