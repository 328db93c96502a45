// A test knob for the wake-order property (docs/reliability.md, "Wake order"): with
// EVR_TEST_DELTA_JITTER=SEED in the environment, every engine, each time it resumes on a
// clock edge, first lets 0 to 2 further delta cycles pass, as a seeded generator says.
// Simulated time does not move, so the processes of one edge merely run in another order:
// a model whose results do not depend on the SystemC kernel's wake order gives the same
// outputs byte for byte (tb/system/wake_order_test.py). Unset, it costs one test of a
// flag.
#pragma once

namespace evr::core {

namespace detail {
bool delta_jitter_enabled();
void delta_jitter_wait();
} // namespace detail

// From an SC_THREAD that has just resumed on an edge.
inline void delta_jitter() {
    static const bool enabled = detail::delta_jitter_enabled();
    if (enabled)
        detail::delta_jitter_wait();
}

} // namespace evr::core
