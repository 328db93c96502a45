// The elastic FIFO command port as a TLM-2.0 target. Purely reactive: no clock, no
// process; each b_transport computes the issue and response cycles of the contract's
// single command port (docs/elastic_fifo.md, "Command port timing") and annotates them.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "evr/common/wave_probe.h"
#include "evr/fifo/fifo_backend.h"

namespace evr {

class fifo_target : public sc_core::sc_module {
public:
    // Payload: TLM_WRITE_COMMAND, address 0, data pointer at a fifo_cmd, data length and
    // streaming width sizeof(fifo_cmd), no byte enables. The response lands in the same
    // fifo_cmd; the annotated delay grows by the wait for the port plus the latency.
    // A multi-passthrough socket because several engines (store, local, assist, pool)
    // share the one command port; a simple_target_socket accepts only one initiator.
    tlm_utils::multi_passthrough_target_socket<fifo_target> cmd_in;

    // `clock_period`: the router clock; every request must arrive on a whole cycle.
    // `backend` executes the commands and must outlive the target.
    fifo_target(const sc_core::sc_module_name& name, const sc_core::sc_time& clock_period,
                fifo_backend& backend);

    const sc_core::sc_time& clock_period() const { return m_period; }
    fifo_backend& backend() { return m_backend; }
    uint64_t commands() const { return m_commands; }
    // Sum over commands of the cycles they waited for the busy port (contention).
    uint64_t wait_cycles() const { return m_wait_cycles; }
    // Cycles the port was executing a command.
    uint64_t busy_cycles() const { return m_busy_cycles; }
    // First cycle at which the port accepts the next command.
    uint64_t port_free_cycle() const { return m_port_free; }
    // Waveforms (docs/waveforms.md): null unless a waveform is written.
    void attach_probe(wave_probe* probe) { m_probe = probe; }

private:
    void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    // Sets an error response and returns false when the payload is not a fifo_cmd write.
    static bool check_payload(tlm::tlm_generic_payload& payload);
    uint64_t to_cycle(const sc_core::sc_time& t) const;

    sc_core::sc_time m_period;
    fifo_backend& m_backend;
    uint64_t m_port_free = 0;
    uint64_t m_last_arrival = 0;
    uint64_t m_commands = 0;
    uint64_t m_wait_cycles = 0;
    uint64_t m_busy_cycles = 0;
    probe_ref m_probe;
};

} // namespace evr
