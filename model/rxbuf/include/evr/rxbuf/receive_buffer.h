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
    // Space and addrq records freed on an edge count from the next cycle on, as a
    // registered fill counter would: whether the adapter's check on that edge ran before
    // or after the engine's release is then no longer the kernel's choice.
    bool has_room(std::uint32_t orig_len) const {
        const bool this_edge = sc_core::sc_time_stamp().value() == m_freed_at;
        const std::uint64_t bytes = m_bytes + (this_edge ? m_freed_bytes : 0);
        const std::size_t records = m_addrq.size() + (this_edge ? m_freed_records : 0);
        if (m_size == 0)
            return bytes == 0 && records == 0;
        return bytes + orig_len <= m_size && records < m_addrq_entries;
    }
    void push(core::frame_slot* f);

    bool empty() const { return m_addrq.empty(); }
    core::frame_slot* head() const { return m_addrq.front(); }
    // The head pointer moves past the head record (its bytes stay until released).
    void pop_head() {
        m_addrq.pop_front();
        freed_now(0, 1);
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
    // What was freed at the current simulation time (see has_room).
    void freed_now(std::uint64_t bytes, std::size_t records) {
        const std::uint64_t t = sc_core::sc_time_stamp().value();
        if (t != m_freed_at) {
            m_freed_at = t;
            m_freed_bytes = 0;
            m_freed_records = 0;
        }
        m_freed_bytes += bytes;
        m_freed_records += records;
    }

    std::uint64_t m_size;
    std::uint32_t m_addrq_entries;
    std::uint64_t m_bytes = 0;
    std::uint64_t m_high_water = 0;
    std::deque<core::frame_slot*> m_addrq;
    std::uint64_t m_freed_at = ~std::uint64_t{0};
    std::uint64_t m_freed_bytes = 0;
    std::size_t m_freed_records = 0;
    core::wake_event m_arrived;
    core::wake_event m_freed;
    probe_ref m_probe;
};

} // namespace evr::rxbuf
