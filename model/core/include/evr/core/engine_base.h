// Common ground of the router's engines: the clock, and waiting for an annotated TLM
// delay. Engines are SC_THREADs that sleep until work arrives; they never tick.
#pragma once

#include <systemc>

#include "evr/core/cycles.h"

namespace evr::core {

class engine_base : public sc_core::sc_module {
protected:
    engine_base(sc_core::sc_module_name name, const clock_domain& clock)
        : sc_module(name), m_clock(clock) {}

    // Lets the annotated delay of a blocking transport elapse, then clears it.
    void sync(sc_core::sc_time& delay) {
        if (delay != sc_core::SC_ZERO_TIME)
            wait(delay);
        delay = sc_core::SC_ZERO_TIME;
    }
    void wait_cycles(cycle_t n) {
        if (n)
            wait(m_clock.duration(n));
    }

    const clock_domain& m_clock;
};

} // namespace evr::core
