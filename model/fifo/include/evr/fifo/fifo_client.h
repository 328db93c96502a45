// Initiator-side helper for the elastic FIFO command port: one reusable payload and
// command per engine, one method per command, so engines stay small. Not reentrant:
// give each engine process its own client.
#pragma once

#include <cstdint>

#include <systemc>
#include <tlm>

#include "evr/fifo/fifo_cmd.h"

namespace evr {

class fifo_client {
public:
    // `socket`: the engine's initiator socket bound to fifo_target::cmd_in (for example a
    // tlm_utils::simple_initiator_socket<X> fifo_out). Only used from the methods below,
    // so the client can be built before the socket is bound.
    explicit fifo_client(tlm::tlm_initiator_socket<>& socket);
    fifo_client(const fifo_client&) = delete; // the payload points into this object
    fifo_client& operator=(const fifo_client&) = delete;

    // Each method performs one command through b_transport and returns it with its
    // response; `delay` grows by the port wait plus the command's latency (whole cycles).
    // The reference stays valid until the next command. An ERROR response never returns:
    // fifo_target throws std::logic_error with the command text.
    const fifo_cmd& alloc(uint32_t cls, sc_core::sc_time& delay);
    const fifo_cmd& enqueue(uint32_t queue, uint32_t buffer, uint32_t len, uint32_t tag,
                            sc_core::sc_time& delay);
    const fifo_cmd& dequeue(uint32_t queue, sc_core::sc_time& delay);
    const fifo_cmd& release(uint32_t buffer, sc_core::sc_time& delay);
    const fifo_cmd& link(uint32_t queue, uint32_t normal, sc_core::sc_time& delay);
    const fifo_cmd& add_free(uint32_t cls, uint32_t addr, sc_core::sc_time& delay);
    const fifo_cmd& remove_free(uint32_t cls, sc_core::sc_time& delay);
    const fifo_cmd& pick(sc_core::sc_time& delay);
    const fifo_cmd& mask(uint32_t connection, bool masked, sc_core::sc_time& delay);
    const fifo_cmd& status(uint32_t queue, sc_core::sc_time& delay);
    // Any command, e.g. one built with fifo_cmd::enqueue(...); its operands are copied.
    const fifo_cmd& execute(const fifo_cmd& cmd, sc_core::sc_time& delay);

    // The same without an annotated delay, for engines on a clock edge: the target blocks
    // until the command's response edge (fifo_target), so nothing is left to wait for.
    const fifo_cmd& alloc(uint32_t cls) { return alloc(cls, zero()); }
    const fifo_cmd& enqueue(uint32_t queue, uint32_t buffer, uint32_t len, uint32_t tag) {
        return enqueue(queue, buffer, len, tag, zero());
    }
    const fifo_cmd& dequeue(uint32_t queue) { return dequeue(queue, zero()); }
    const fifo_cmd& release(uint32_t buffer) { return release(buffer, zero()); }
    const fifo_cmd& link(uint32_t queue, uint32_t normal) { return link(queue, normal, zero()); }
    const fifo_cmd& add_free(uint32_t cls, uint32_t addr) { return add_free(cls, addr, zero()); }
    const fifo_cmd& remove_free(uint32_t cls) { return remove_free(cls, zero()); }
    const fifo_cmd& pick() { return pick(zero()); }
    const fifo_cmd& mask(uint32_t connection, bool masked) {
        return mask(connection, masked, zero());
    }
    const fifo_cmd& status(uint32_t queue) { return status(queue, zero()); }

    const fifo_cmd& last() const { return m_cmd; }
    const tlm::tlm_generic_payload& payload() const { return m_payload; }

private:
    const fifo_cmd& transport(sc_core::sc_time& delay);
    // A fresh zero delay for the blocking overloads; what the target leaves in it is 0.
    sc_core::sc_time& zero() {
        m_delay = sc_core::SC_ZERO_TIME;
        return m_delay;
    }

    tlm::tlm_initiator_socket<>& m_socket;
    fifo_cmd m_cmd;
    tlm::tlm_generic_payload m_payload;
    sc_core::sc_time m_delay;
};

} // namespace evr
