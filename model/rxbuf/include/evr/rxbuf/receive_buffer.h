// The receive buffer (patent 203/401) with its addrq (403): frames land here at line rate
// in arrival order. The addrq holds one record per frame until the parser's head pointer
// (407) has moved past it; the bytes stay until the send or store engine has read them out.
#pragma once

#include <cstdint>
#include <deque>

#include <systemc>

#include "evr/common/wave_probe.h"
#include "evr/core/frame.h"
#include "evr/core/wake_event.h"

namespace evr::rxbuf {

class receive_buffer : public sc_core::sc_module {
public:
    receive_buffer(sc_core::sc_module_name name, std::uint64_t size_bytes,
                   std::uint32_t addrq_entries);

    // Size 0 is the patent's "no receive buffer" (203 is optional): the adapter hands a
    // frame on only when the previous one has been read out completely.
    bool has_room(std::uint32_t orig_len) const {
        if (m_size == 0)
            return m_bytes == 0 && m_addrq.empty();
        return m_bytes + orig_len <= m_size && m_addrq.size() < m_addrq_entries;
    }
    void push(core::frame_slot* f);

    bool empty() const { return m_addrq.empty(); }
    core::frame_slot* head() const { return m_addrq.front(); }
    // The head pointer moves past the head record (its bytes stay until released).
    void pop_head() {
        m_addrq.pop_front();
        if (m_probe)
            m_probe->changed(wave_unit::rx_buffer, wave_none);
    }
    // An engine finished reading `f` out; the last reader frees its bytes.
    // Returns true when the frame's bytes were freed (the caller recycles the slot).
    bool release(core::frame_slot* f);

    // Notified (in the next delta) when a record arrives or bytes are freed, for the one
    // process that waits (core::wake_event: only while it waits).
    core::wake_event& arrived() { return m_arrived; }
    core::wake_event& freed() { return m_freed; }

    std::uint64_t bytes() const { return m_bytes; }
    std::uint64_t high_water_bytes() const { return m_high_water; }
    std::size_t records() const { return m_addrq.size(); }
    std::uint64_t size_bytes() const { return m_size; }
    // Waveforms (docs/waveforms.md): null unless a waveform is written.
    void attach_probe(wave_probe* probe) { m_probe = probe; }

private:
    std::uint64_t m_size;
    std::uint32_t m_addrq_entries;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_high_water = 0;
    std::deque<core::frame_slot*> m_addrq;
    core::wake_event m_arrived;
    core::wake_event m_freed;
    probe_ref m_probe;
};

} // namespace evr::rxbuf
