// The one clock of the router: every action happens on one of its edges. There is no
// sc_clock (it would cost ~100 ns per cycle even when idle); processes compute the cycle
// they next need and sleep until it.
#pragma once

#include <cstdint>

#include <systemc>

namespace evr::core {

using cycle_t = std::uint64_t;

class clock_domain {
public:
    explicit clock_domain(double freq_mhz)
        : m_period(sc_core::sc_time(1e6 / freq_mhz, sc_core::SC_PS)), m_period_ns(1e3 / freq_mhz) {}

    const sc_core::sc_time& period() const { return m_period; }
    // The grant phase's offset from an edge (docs/timing.md, "Arbitration"): an integer
    // half period, as core::arbitrated_port uses it.
    sc_core::sc_time half_period() const {
        return sc_core::sc_time::from_value(m_period.value() / 2);
    }
    double period_ns() const { return m_period_ns; }

    // Current cycle; callers only run on edges, so the division is exact.
    cycle_t now() const { return to_cycles(sc_core::sc_time_stamp()); }
    cycle_t to_cycles(const sc_core::sc_time& t) const {
        return static_cast<cycle_t>(t.value() / m_period.value());
    }
    // Integer arithmetic: a double would lose whole picoseconds after 2^53 ps (~104 days of
    // trace time) and put events between clock edges.
    sc_core::sc_time duration(cycle_t cycles) const {
        return sc_core::sc_time::from_value(m_period.value() * cycles);
    }
    // Time from now until the edge of `cycle` (zero when it is now or past).
    sc_core::sc_time until(cycle_t cycle) const {
        const cycle_t n = now();
        return cycle > n ? duration(cycle - n) : sc_core::SC_ZERO_TIME;
    }
    std::uint64_t to_ns(cycle_t cycle) const {
        return static_cast<std::uint64_t>(static_cast<double>(cycle) * m_period_ns + 0.5);
    }

private:
    sc_core::sc_time m_period;
    double m_period_ns;
};

// Rounds a byte count up to whole cycles of a datapath `bytes_per_cycle` wide.
inline cycle_t transfer_cycles(std::uint64_t bytes, std::uint64_t bytes_per_cycle) {
    return (bytes + bytes_per_cycle - 1) / bytes_per_cycle;
}

} // namespace evr::core
