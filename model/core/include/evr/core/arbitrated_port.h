// A shared resource served one grant at a time, on the model's clock (docs/timing.md,
// "Arbitration"). Each cycle has two halves: on the edge the engines run and post their
// requests; half a period later, when every process of that edge has run whatever the
// kernel's wake order, the port grants by its arbiter's policy and serves the grant. A
// granted requester resumes on the edge of its response cycle.
//
// The resource itself (the elastic FIFO's command port, an SRAM port, the allocator) is
// the owner's: `serve` performs one granted request issued in a given cycle and says when
// the port is free again and when the requester's answer is ready.
#pragma once

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "evr/core/arbiter.h"
#include "evr/core/cycles.h"

namespace evr::core {

class arbitrated_port : public sc_core::sc_module {
public:
    struct served {
        cycle_t free_at;  // first cycle the port can issue again (== issue: no occupancy)
        cycle_t response; // edge on which the requester resumes (> issue)
    };
    using serve_fn = std::function<served(std::uint32_t requester, cycle_t issue)>;
    // Called at every grant, for waveforms: who was granted, in which cycle.
    using grant_fn = std::function<void(std::uint32_t requester, cycle_t issue)>;

    SC_HAS_PROCESS(arbitrated_port);
    arbitrated_port(sc_core::sc_module_name name, const sc_core::sc_time& period);

    // Before the simulation starts.
    void configure(std::unique_ptr<arbiter> arb, serve_fn serve);
    // The same from a target's point of view: `bound` initiators on its socket, named and
    // ordered by `how`; the arbiter is called `port`. Throws std::logic_error when the
    // names do not match the bindings.
    void configure(const std::string& port, std::size_t bound, const port_arbitration& how,
                   serve_fn serve);
    bool configured() const { return m_arbiter != nullptr; }
    void on_grant(grant_fn f) { m_on_grant = std::move(f); }

    // From the requester's SC_THREAD, on an edge: requests the port in this cycle and
    // returns on the edge of the response cycle. What `serve` threw for this request is
    // thrown here, in the requester's process.
    void transact(std::uint32_t requester);
    // The same from a target's b_transport: lets the initiator's annotated delay elapse
    // first (the request enters arbitration in the cycle it is made), and consumes it.
    void transact(std::uint32_t requester, sc_core::sc_time& delay);

    const arbiter& arb() const { return *m_arbiter; }
    // Waveforms: the arbiter's requests and grants (kept for an arbiter configured later).
    void attach_probe(wave_probe* probe, wave_port port) {
        m_probe = probe;
        m_wave_port = port;
        if (m_arbiter)
            m_arbiter->attach_probe(probe, port);
    }
    cycle_t free_at() const { return m_free_at; }
    // The edge on which `requester` resumes (resumed) from its last grant; 0 before any.
    cycle_t last_response(std::uint32_t requester) const { return m_last_response[requester]; }

private:
    void decide();
    void schedule(cycle_t cycle);
    cycle_t now() const { return sc_core::sc_time_stamp().value() / m_period_ps; }
    sc_core::sc_time at_edge(cycle_t cycle) const {
        return sc_core::sc_time::from_value(cycle * m_period_ps);
    }

    std::uint64_t m_period_ps; // in units of the time resolution
    std::uint64_t m_half_ps;
    std::unique_ptr<arbiter> m_arbiter;
    serve_fn m_serve;
    grant_fn m_on_grant;
    std::deque<sc_core::sc_event> m_done; // one per requester
    std::vector<std::exception_ptr> m_error;
    std::vector<cycle_t> m_last_response;
    wave_probe* m_probe = nullptr;
    wave_port m_wave_port = wave_port::fifo;
    sc_core::sc_event m_decide;
    cycle_t m_free_at = 0;
};

} // namespace evr::core
