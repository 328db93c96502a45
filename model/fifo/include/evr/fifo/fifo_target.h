// The elastic FIFO command port as a TLM-2.0 target. Its initiators (store, assist, local
// engines, pool manager) share one port that issues one command at a time; commands that
// compete for it are granted by an arbiter with a configured policy (docs/timing.md,
// "Arbitration"), never in the order the kernel happened to run the initiators.
// b_transport blocks: it returns on the edge of the command's response cycle with the
// annotated delay consumed (docs/elastic_fifo.md, "Command port timing").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "evr/common/wave_probe.h"
#include "evr/core/arbitrated_port.h"
#include "evr/fifo/fifo_backend.h"

namespace evr {

using core::port_arbitration;

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
                fifo_backend& backend, port_arbitration arb = {});

    const sc_core::sc_time& clock_period() const { return m_period; }
    fifo_backend& backend() { return m_backend; }
    uint64_t commands() const { return m_commands; }
    // Sum over commands of the cycles they waited for the busy port (contention).
    uint64_t wait_cycles() const;
    // Cycles the port was executing a command.
    uint64_t busy_cycles() const { return m_busy_cycles; }
    // First cycle at which the port accepts the next command.
    uint64_t port_free_cycle() const { return m_port_free; }
    // Waveforms (docs/waveforms.md): null unless a waveform is written.
    void attach_probe(wave_probe* probe) {
        m_probe = probe;
        m_port.attach_probe(probe, wave_port::fifo);
    }
    // Grants, wait cycles and the longest wait per requester (stats.json).
    const core::arbiter& arbiter() const { return m_port.arb(); }
    core::arbitrated_port& port() { return m_port; }
    const core::arbitrated_port& port() const { return m_port; }

private:
    void end_of_elaboration() override;
    core::arbitrated_port::served serve(std::uint32_t requester, uint64_t issue);
    void b_transport(int initiator, tlm::tlm_generic_payload& payload, sc_core::sc_time& delay);
    // Sets an error response and returns false when the payload is not a fifo_cmd write.
    static bool check_payload(tlm::tlm_generic_payload& payload);

    sc_core::sc_time m_period;
    fifo_backend& m_backend;
    port_arbitration m_arbitration;
    core::arbitrated_port m_port;
    std::vector<fifo_cmd*> m_request; // per requester: the command it waits for
    std::vector<std::string> m_error; // per requester: a protocol error to throw
    uint64_t m_port_free = 0;
    uint64_t m_commands = 0;
    uint64_t m_busy_cycles = 0;
    probe_ref m_probe;
};

} // namespace evr
