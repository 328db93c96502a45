#include "evr/core/delta_jitter.h"

#include <cstdint>
#include <cstdlib>

#include <systemc>

namespace evr::core::detail {

namespace {

std::uint64_t g_state = 0;

// xorshift64*: a different interleaving per seed, the same for one seed.
std::uint64_t next() {
    g_state ^= g_state >> 12;
    g_state ^= g_state << 25;
    g_state ^= g_state >> 27;
    return g_state * 0x2545F4914F6CDD1DULL;
}

} // namespace

bool delta_jitter_enabled() {
    const char* seed = std::getenv("EVR_TEST_DELTA_JITTER");
    if (seed == nullptr || *seed == '\0')
        return false;
    g_state = std::strtoull(seed, nullptr, 10) * 0x9E3779B97F4A7C15ULL + 1;
    return true;
}

void delta_jitter_wait() {
    for (std::uint64_t n = next() % 3; n != 0; --n)
        sc_core::wait(sc_core::SC_ZERO_TIME);
}

} // namespace evr::core::detail
