// Common ground of the router's engines: the clock, and waiting for an annotated TLM
// delay. Engines are SC_THREADs that sleep until work arrives; they never tick.
#pragma once

#include <cstdint>
#include <type_traits>

#include <systemc>

#include "evr/common/wave_probe.h"
#include "evr/core/cycles.h"
#include "evr/core/delta_jitter.h"
#include "evr/core/drop_reason.h"
#include "evr/core/engine_context.h"

namespace evr::core {

class engine_base : public sc_core::sc_module {
public:
    // Waveforms (docs/waveforms.md): what the engine is doing, as the probe reads it.
    // Kept up to date only while a probe is attached.
    void attach_probe(wave_probe* probe, wave_unit unit) {
        m_probe = probe;
        m_unit = unit;
    }
    std::uint8_t wave_state() const { return m_wave_state; }
    std::uint64_t wave_frame() const { return m_wave_frame; } // ~0: none
    std::uint32_t wave_conn() const { return m_wave_conn; }   // wave_none: none

protected:
    engine_base(sc_core::sc_module_name name, const clock_domain& clock)
        : sc_module(name), m_clock(clock) {}

    // Lets the annotated delay of a blocking transport elapse, then clears it.
    void sync(sc_core::sc_time& delay) {
        if (delay != sc_core::SC_ZERO_TIME) {
            wait(delay);
            delta_jitter();
        }
        delay = sc_core::SC_ZERO_TIME;
    }
    void wait_cycles(cycle_t n) {
        if (n) {
            wait(m_clock.duration(n));
            delta_jitter();
        }
    }

    // Probe points: one pointer test when no waveform is written. `state` is a value of
    // the engine's own state enum (`<engine>::state`, docs/waveforms.md), whose 0 is idle;
    // idle forgets the frame.
    template <typename State>
    void trace(State state, std::uint64_t frame, std::uint32_t conn) {
        static_assert(std::is_enum_v<State>, "an engine's state is its named enum");
        if (m_probe) {
            m_wave_state = static_cast<std::uint8_t>(state);
            m_wave_frame = frame;
            m_wave_conn = conn;
            m_probe->changed(m_unit, wave_none);
        }
    }
    template <typename State>
    void trace(State state) {
        static_assert(std::is_enum_v<State>, "an engine's state is its named enum");
        if (m_probe) {
            m_wave_state = static_cast<std::uint8_t>(state);
            if (m_wave_state == 0) {
                m_wave_frame = ~std::uint64_t{0};
                m_wave_conn = wave_none;
            }
            m_probe->changed(m_unit, wave_none);
        }
    }
    void trace_drop(drop_reason reason, std::uint32_t conn) {
        if (m_probe)
            m_probe->dropped(m_unit, static_cast<std::uint8_t>(reason), conn);
    }

    const clock_domain& m_clock;
    probe_ref m_probe;

private:
    wave_unit m_unit = wave_unit::parser;
    std::uint8_t m_wave_state = 0;
    std::uint64_t m_wave_frame = ~std::uint64_t{0};
    std::uint32_t m_wave_conn = wave_none;
};

} // namespace evr::core
