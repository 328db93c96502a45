// Distributions written out by hand. std::uniform_int_distribution and friends are not
// specified bit for bit, so their output differs between standard libraries; the engine
// std::mt19937_64 is, so a seed gives the same workload everywhere.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace evr::workload::detail {

// SplitMix64 finaliser: spreads a seed and a stream number into independent engine seeds.
inline uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// Seed of stream `stream` of workload seed `seed`: separate streams keep, for example, the
// frame timing independent of how many draws choosing destinations takes.
inline uint64_t stream_seed(uint64_t seed, uint64_t stream) {
    return splitmix64(seed ^ splitmix64(stream + 0x5eed));
}

// Uniform in [0, 1) with 53 random bits.
inline double uniform01(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Uniform integer in [0, n), n > 0, without modulo bias (rejects the top partial range).
inline uint64_t uniform_below(std::mt19937_64& rng, uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x = rng();
    while (x >= limit) {
        x = rng();
    }
    return x % n;
}

// Exponential with the given mean (inversion; 1 - u is in (0, 1] so log never sees 0).
inline double exponential(std::mt19937_64& rng, double mean) {
    return -mean * std::log(1.0 - uniform01(rng));
}

template <typename T>
const T& choice(std::mt19937_64& rng, const std::vector<T>& v) {
    return v[uniform_below(rng, v.size())];
}

} // namespace evr::workload::detail
