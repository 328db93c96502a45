// The local data store (patent 215), one read port and one write port (docs/timing.md,
// "Arbitration"). Only the store engine writes, so the write port has one initiator and
// needs no arbiter; the local and assist engines share the read port, whose arbiter
// grants half a period after each edge by the configured policy. Each port moves one
// whole transfer at a time, sram.bytes_per_cycle wide, plus sram.latency_cycles.
// It holds the frames' bytes for real, so what the local engine reads back is what the
// store engine wrote.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "evr/core/arbitrated_port.h"
#include "evr/core/cycles.h"
#include "evr/mem/port_timing.h"

namespace evr::mem {

class sram : public sc_core::sc_module {
public:
    // Writes only, one initiator: b_transport returns at once and annotates the delay
    // until the write has taken effect.
    tlm_utils::simple_target_socket<sram> write_in;
    // Reads only, arbitrated: b_transport lets the annotated delay elapse, requests the
    // port in that cycle and returns on the edge the bytes are in, delay consumed.
    // Both sockets answer transport_dbg (dropped-frame peeks, no time). May stay unbound
    // (a rig with a store engine only).
    tlm_utils::multi_passthrough_target_socket<sram, 32, tlm::tlm_base_protocol_types, 0,
                                               sc_core::SC_ZERO_OR_MORE_BOUND>
        read_in;

    // `read_arbitration` names the read initiators in binding order (see port_arbitration).
    sram(sc_core::sc_module_name name, const core::clock_domain& clock, std::uint64_t size_bytes,
         std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles,
         core::port_arbitration read_arbitration = {});

    std::uint64_t size() const { return m_data.size(); }
    const port_timing& write_timing() const { return m_write; }
    const port_timing& read_timing() const { return m_read; }
    // Grants, wait cycles and the longest wait per read initiator (stats.json).
    const core::arbiter& read_arbiter() const { return m_read_port.arb(); }
    core::arbitrated_port& read_port() { return m_read_port; }
    // Waveforms: the read port's requests and grants.
    void attach_probe(wave_probe* probe) { m_read_port.attach_probe(probe, wave_port::sram_read); }
    // Direct view for the debug path (dropped.pcap of frames that never leave the SRAM).
    const std::uint8_t* peek(std::uint64_t addr) const { return m_data.data() + addr; }

private:
    void end_of_elaboration() override;
    void write(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    void read(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    core::arbitrated_port::served serve_read(std::uint32_t requester, core::cycle_t issue);
    unsigned int debug(tlm::tlm_generic_payload& p);
    unsigned int debug_read_in(int, tlm::tlm_generic_payload& p) { return debug(p); }
    bool in_range(const tlm::tlm_generic_payload& p) const;
    // False (and an error response) for an access outside the SRAM or of the wrong kind.
    bool accept(tlm::tlm_generic_payload& p, tlm::tlm_command expected) const;

    const core::clock_domain& m_clock;
    std::vector<std::uint8_t> m_data;
    port_timing m_write;
    port_timing m_read;
    core::port_arbitration m_read_arbitration;
    core::arbitrated_port m_read_port;
    std::vector<tlm::tlm_generic_payload*> m_read_request; // per read initiator
};

} // namespace evr::mem
