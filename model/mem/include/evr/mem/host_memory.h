// Host memory (patent 221) as seen from the adapter: posted writes over a shared link of
// host.write_bytes_per_cycle, each taking effect host.write_latency_cycles after its last
// byte left. The writer is free as soon as its bytes are out; the completion (the VM's
// receive descriptor is done) is reported to a sink in issue order.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "evr/core/cycles.h"
#include "evr/mem/frame_ext.h"
#include "evr/mem/port_timing.h"

namespace evr::mem {

// Who learns that a write has completed: the VM model.
class host_write_sink {
public:
    virtual ~host_write_sink() = default;
    virtual void on_host_write(const frame_ext& frame, const std::uint8_t* data,
                               std::uint32_t cap_len, core::cycle_t cycle) = 0;
};

class host_memory : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<host_memory> write_in;

    SC_HAS_PROCESS(host_memory);
    host_memory(sc_core::sc_module_name name, const core::clock_domain& clock,
                std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles, host_write_sink& sink);

    const port_timing& timing() const { return m_port; }
    std::size_t in_flight() const { return m_pending.size(); }

private:
    struct pending_write {
        core::cycle_t complete = 0;
        frame_ext frame;
        std::vector<std::uint8_t> bytes;
    };

    void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    void complete_writes();

    const core::clock_domain& m_clock;
    port_timing m_port;
    host_write_sink& m_sink;
    // Completions are in issue order: one port and a fixed latency.
    std::deque<pending_write> m_pending;
    std::vector<std::vector<std::uint8_t>> m_spare; // recycled byte buffers
    sc_core::sc_event m_wake;
};

} // namespace evr::mem
