#include "evr/mem/sram.h"

#include <algorithm>
#include <cstring>

#include "evr/mem/frame_ext.h"

namespace evr::mem {

sram::sram(sc_core::sc_module_name name, const core::clock_domain& clock, std::uint64_t size_bytes,
           std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles)
    : sc_module(name), port_in("port_in"), m_clock(clock), m_data(size_bytes),
      m_port(bytes_per_cycle, latency_cycles) {
    port_in.register_b_transport(this, &sram::b_transport);
    port_in.register_transport_dbg(this, &sram::transport_dbg);
}

bool sram::in_range(const tlm::tlm_generic_payload& p) const {
    return p.get_address() <= m_data.size() && p.get_data_length() <= m_data.size() &&
           p.get_address() + p.get_data_length() <= m_data.size();
}

void sram::b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    if (!in_range(p)) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    const core::cycle_t arrival = m_clock.to_cycles(sc_core::sc_time_stamp() + delay);
    // Timing follows the frame's original length when the initiator says what it is
    // (a sliced capture holds fewer bytes than the wire carried).
    frame_ext* ext = nullptr;
    p.get_extension(ext);
    const std::uint64_t timed =
        ext ? std::max<std::uint64_t>(ext->orig_len, p.get_data_length()) : p.get_data_length();
    const port_slot slot = m_port.reserve(arrival, timed);
    // The bytes move at once; the annotated delay says when they would have.
    if (p.is_write())
        std::memcpy(m_data.data() + p.get_address(), p.get_data_ptr(), p.get_data_length());
    else if (p.is_read())
        std::memcpy(p.get_data_ptr(), m_data.data() + p.get_address(), p.get_data_length());
    delay += m_clock.duration(slot.complete - arrival);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int sram::transport_dbg(int, tlm::tlm_generic_payload& p) {
    if (!in_range(p))
        return 0;
    if (p.is_write())
        std::memcpy(m_data.data() + p.get_address(), p.get_data_ptr(), p.get_data_length());
    else
        std::memcpy(p.get_data_ptr(), m_data.data() + p.get_address(), p.get_data_length());
    return p.get_data_length();
}

} // namespace evr::mem
