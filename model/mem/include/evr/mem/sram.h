// The local data store (patent 215): one SRAM port shared by the store engine (writes),
// the local engine and the assist engine (reads). It holds the frames' bytes for real, so
// what the local engine reads back is what the store engine wrote.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "evr/core/cycles.h"
#include "evr/mem/port_timing.h"

namespace evr::mem {

class sram : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_target_socket<sram> port_in;

    sram(sc_core::sc_module_name name, const core::clock_domain& clock, std::uint64_t size_bytes,
         std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles);

    std::uint64_t size() const { return m_data.size(); }
    const port_timing& timing() const { return m_port; }
    // Direct view for the debug path (dropped.pcap of frames that never leave the SRAM).
    const std::uint8_t* peek(std::uint64_t addr) const { return m_data.data() + addr; }

private:
    void b_transport(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
    unsigned int transport_dbg(int id, tlm::tlm_generic_payload& p);
    bool in_range(const tlm::tlm_generic_payload& p) const;

    const core::clock_domain& m_clock;
    std::vector<std::uint8_t> m_data;
    port_timing m_port;
};

} // namespace evr::mem
