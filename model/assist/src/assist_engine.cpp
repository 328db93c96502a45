#include "evr/assist/assist_engine.h"

#include <algorithm>

#include "evr/mem/payload.h"

namespace evr::assist {

assist_engine::assist_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                             const assist_params& params, const lookup::connection_table& table)
    : engine_base(name, ctx.clock), fifo_out("fifo_out"), sram_out("sram_out"), m_params(params),
      m_table(table), m_alloc(ctx.alloc), m_headers(ctx.headers), m_events(ctx.events),
      m_queues(ctx.queues), m_fifo(fifo_out), m_header_bytes(params.header_bytes) {
    SC_THREAD(run);
}

void assist_engine::submitted(std::uint32_t queue) {
    ++m_waiting[queue - m_queues.special(fifo_special::broadcast)];
    m_work.notify();
}

void assist_engine::run() {
    for (;;) {
        std::uint32_t chosen = 4;
        for (std::uint32_t i = 0; i < 4; ++i) {
            const std::uint32_t s = (m_rr + i) % 4;
            if (m_waiting[s] != 0) {
                chosen = s;
                break;
            }
        }
        if (chosen == 4) {
            m_busy = false;
            trace(state::idle);
            m_work.wait();
            continue;
        }
        m_busy = true;
        m_rr = (chosen + 1) % 4;
        --m_waiting[chosen];
        resolve(m_queues.special(static_cast<fifo_special>(chosen)));
    }
}

void assist_engine::drop_whole(const core::buffer_header& h, std::uint32_t buffer,
                               core::drop_reason r) {
    m_drop_bytes.resize(h.cap_len);
    mem::debug_read(sram_out, m_debug_payload, h.addr, m_drop_bytes.data(), h.cap_len);
    trace_drop(r, wave_none);
    m_events.dropped(
        {h.index, std::nullopt, m_drop_bytes.data(), h.cap_len, h.orig_len, m_clock.now()}, r);
    trace(state::release, h.index, wave_none);
    const fifo_cmd& rel = m_fifo.release(buffer);
    if (rel.rsp.freed && on_buffer_freed)
        on_buffer_freed();
}

void assist_engine::resolve(std::uint32_t queue) {
    trace(state::dequeue, ~std::uint64_t{0}, wave_none);
    const fifo_cmd& deq = m_fifo.dequeue(queue);
    if (deq.rsp.result != fifo_result::ok)
        SC_REPORT_FATAL(name(), "special queue empty although a buffer was submitted");
    const std::uint32_t n = deq.rsp.normal;
    const core::buffer_header h = m_headers[n];
    ++m_frames;

    // Read the headers back from the data store and resolve with the full tables.
    trace(state::header_read, h.index, wave_none);
    const std::uint32_t hdr_len = std::min(h.cap_len, m_params.header_bytes);
    mem::prepare(m_sram_payload, tlm::TLM_READ_COMMAND, h.addr, m_header_bytes.data(), hdr_len);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    sram_out->b_transport(m_sram_payload, d);
    sync(d);
    const lookup::parsed_frame hdr = lookup::parse_headers(m_header_bytes.data(), hdr_len);
    lookup::fast_result fast;
    if (h.cls == lookup::frame_class::known) {
        // strict ordering sends unicast frames through here while their VLAN has specials
        // pending; they keep the connection the parser found.
        m_targets.assign(1, h.conn);
    } else {
        fast = m_table.resolve(hdr);
        m_table.fan_out(hdr, fast, m_targets);
    }
    trace(state::lookup, h.index, wave_none);
    wait_cycles(m_params.lookup_latency);
    // strict ordering: the VLAN's unicast frames may go direct again only once every copy
    // of this frame sits on its numbered queue, i.e. when this function returns.
    struct resolved_guard {
        const assist_engine& self;
        const lookup::parsed_frame& hdr;
        ~resolved_guard() {
            if (self.on_resolved)
                self.on_resolved(hdr);
        }
    } guard{*this, hdr};

    if (m_targets.empty()) {
        drop_whole(h, n,
                   h.cls == lookup::frame_class::unknown ? core::drop_reason::unknown_destination
                                                         : core::drop_reason::no_member);
        return;
    }
    m_events.fanout(h.index, static_cast<std::uint32_t>(m_targets.size()));
    if (m_targets.size() == 1) {
        // One destination: the normal buffer itself moves to the numbered queue.
        const std::uint32_t k = m_targets.front();
        trace(state::link_copy, h.index, k);
        if (h.cls != lookup::frame_class::known) // the parser counted a diverted unicast
            m_alloc.add_stored(k);
        m_fifo.enqueue(m_queues.numbered(k), n, h.cap_len, static_cast<std::uint32_t>(h.index));
        ++m_copies;
        if (on_linked)
            on_linked(k);
        return;
    }
    for (std::uint32_t k : m_targets) {
        trace(state::link_copy, h.index, k);
        wait_cycles(m_params.per_copy_cycles);
        const fifo_cmd& link = m_fifo.link(m_queues.numbered(k), n);
        if (link.rsp.result != fifo_result::ok) {
            m_drop_bytes.resize(h.cap_len);
            mem::debug_read(sram_out, m_debug_payload, h.addr, m_drop_bytes.data(), h.cap_len);
            trace_drop(core::drop_reason::no_indirect, k);
            m_events.dropped(
                {h.index, k, m_drop_bytes.data(), h.cap_len, h.orig_len, m_clock.now()},
                core::drop_reason::no_indirect);
            continue;
        }
        ++m_copies;
        m_alloc.add_stored(k);
        if (on_linked)
            on_linked(k);
    }
    // Drop the assist engine's own hold: the copies keep the buffer alive.
    trace(state::release, h.index, wave_none);
    const fifo_cmd& rel = m_fifo.release(n);
    if (rel.rsp.freed && on_buffer_freed)
        on_buffer_freed();
}

} // namespace evr::assist
