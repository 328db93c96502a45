#include "evr/mem/host_memory.h"

#include <cstring>

namespace evr::mem {

host_memory::host_memory(sc_core::sc_module_name name, const core::clock_domain& clock,
                         std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles,
                         host_write_sink& sink)
    : sc_module(name), write_in("write_in"), m_clock(clock),
      m_port(bytes_per_cycle, latency_cycles), m_sink(sink) {
    write_in.register_b_transport(this, &host_memory::b_transport);
    SC_METHOD(complete_writes);
    sensitive << m_wake;
    dont_initialize();
}

void host_memory::b_transport(int, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    frame_ext* ext = nullptr;
    p.get_extension(ext);
    if (!p.is_write() || ext == nullptr) {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return;
    }
    const core::cycle_t arrival = m_clock.to_cycles(sc_core::sc_time_stamp() + delay);
    // Timing follows the frame's original length; the bytes are what was captured.
    const port_slot slot = m_port.reserve(arrival, ext->orig_len);

    pending_write w;
    w.complete = slot.complete;
    w.frame = *ext;
    if (!m_spare.empty()) {
        w.bytes = std::move(m_spare.back());
        m_spare.pop_back();
    }
    w.bytes.assign(p.get_data_ptr(), p.get_data_ptr() + p.get_data_length());
    if (m_pending.empty())
        m_wake.notify(m_clock.duration(w.complete) - sc_core::sc_time_stamp());
    m_pending.push_back(std::move(w));

    delay += m_clock.duration(slot.data_done - arrival);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void host_memory::complete_writes() {
    const core::cycle_t now = m_clock.now();
    while (!m_pending.empty() && m_pending.front().complete <= now) {
        pending_write& w = m_pending.front();
        m_sink.on_host_write(w.frame, w.bytes.data(), static_cast<std::uint32_t>(w.bytes.size()),
                             w.complete);
        m_spare.push_back(std::move(w.bytes));
        m_pending.pop_front();
    }
    if (!m_pending.empty())
        m_wake.notify(m_clock.duration(m_pending.front().complete - now));
}

} // namespace evr::mem
