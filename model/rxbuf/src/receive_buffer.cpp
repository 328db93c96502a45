#include "evr/rxbuf/receive_buffer.h"

namespace evr::rxbuf {

receive_buffer::receive_buffer(sc_core::sc_module_name name, std::uint64_t size_bytes,
                               std::uint32_t addrq_entries)
    : sc_module(name), m_size(size_bytes), m_addrq_entries(addrq_entries) {}

void receive_buffer::push(core::frame_slot* f) {
    m_bytes += f->orig_len;
    if (m_bytes > m_high_water)
        m_high_water = m_bytes;
    f->readers = 1;
    m_addrq.push_back(f);
    m_arrived.notify();
    if (m_probe)
        m_probe->changed(wave_unit::rx_buffer, wave_none);
}

bool receive_buffer::release(core::frame_slot* f) {
    if (--f->readers != 0)
        return false;
    m_bytes -= f->orig_len;
    freed_now(f->orig_len, 0);
    m_freed.notify();
    if (m_probe)
        m_probe->changed(wave_unit::rx_buffer, wave_none);
    return true;
}

} // namespace evr::rxbuf
