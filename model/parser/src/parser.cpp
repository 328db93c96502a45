#include "evr/parser/parser.h"

namespace evr::parser {

parser::parser(sc_core::sc_module_name name, const core::engine_context& ctx,
               const parser_params& params, const lookup::connection_table& table,
               send::send_engine& sender, store::store_engine& storer)
    : engine_base(name, ctx.clock), m_params(params), m_rx(ctx.rx), m_pool(ctx.frames),
      m_table(table), m_alloc(ctx.alloc), m_send(sender), m_store(storer), m_events(ctx.events),
      m_queues(ctx.queues) {
    SC_THREAD(run);
}

std::uint32_t parser::vlan_key(const lookup::parsed_frame& hdr) {
    if (hdr.vlan_unknown)
        return 0x10000;
    return hdr.vlan ? *hdr.vlan : 0xffff;
}

void parser::special_resolved(const lookup::parsed_frame& hdr) {
    auto it = m_vlan_pending.find(vlan_key(hdr));
    if (it != m_vlan_pending.end() && --it->second == 0)
        m_vlan_pending.erase(it);
}

void parser::run() {
    for (;;) {
        while (m_rx.empty()) {
            m_busy = false;
            trace(state::idle);
            m_rx.arrived().wait();
        }
        m_busy = true;
        core::frame_slot* f = m_rx.head();
        trace(state::parse, f->index, wave_none);
        wait_cycles(m_params.parse_latency + m_params.lookup_latency);
        f->hdr = lookup::parse_headers(f->bytes.data(), f->cap_len);
        const lookup::fast_result r = m_table.resolve(f->hdr);
        f->cls = r.kind;
        f->conn = r.connection;
        ++m_frames;
        if (m_params.mode == policy::hol)
            dispatch_hol(f);
        else
            dispatch_elastic(f);
        m_rx.pop_head(); // the head pointer moves on
    }
}

void parser::drop(core::frame_slot* f, core::drop_reason r) {
    trace_drop(r, wave_none);
    m_events.dropped(
        {f->index, std::nullopt, f->bytes.data(), f->cap_len, f->orig_len, m_clock.now()}, r);
    if (m_rx.release(f))
        m_pool.put(f);
}

void parser::dispatch_elastic(core::frame_slot* f) {
    if (f->cls != lookup::frame_class::known) {
        std::uint32_t queue = m_queues.special(
            static_cast<fifo_special>(static_cast<std::uint8_t>(f->cls) -
                                      static_cast<std::uint8_t>(lookup::frame_class::broadcast)));
        if (m_params.strict) {
            ++m_vlan_pending[vlan_key(f->hdr)];
            queue = m_queues.special(fifo_special::broadcast);
        }
        ++m_to_store;
        m_store.push({f, queue});
        return;
    }
    const std::uint32_t k = f->conn;
    if (m_params.strict && m_vlan_pending.count(vlan_key(f->hdr)) != 0) {
        // Follow the VLAN's pending specials through the same queue (strict ordering).
        ++m_vlan_pending[vlan_key(f->hdr)];
        m_alloc.add_stored(k);
        ++m_to_store;
        m_store.push({f, m_queues.special(fifo_special::broadcast)});
        return;
    }
    trace(state::allocate, f->index, k);
    const allocator::grant g = m_alloc.request(allocator::requester::parser, k, f->orig_len);
    if (g == allocator::grant::ok) {
        ++m_direct;
        m_send.push({f, k, core::path_kind::direct});
        return;
    }
    if (m_params.mode == policy::drop && g != allocator::grant::blocked) {
        trace_drop(core::drop_reason::no_resources, k);
        m_events.dropped({f->index, k, f->bytes.data(), f->cap_len, f->orig_len, m_clock.now()},
                         core::drop_reason::no_resources);
        if (m_rx.release(f))
            m_pool.put(f);
        return;
    }
    // Refused: to the elastic FIFO, behind this connection's earlier frames (claim 3).
    m_alloc.add_stored(k);
    ++m_to_store;
    m_store.push({f, m_queues.numbered(k)});
}

void parser::wait_for_grant(std::uint32_t conn, std::uint32_t orig_len) {
    for (;;) {
        trace(state::allocate, wave_frame(), conn);
        if (m_alloc.request(allocator::requester::parser, conn, orig_len) == allocator::grant::ok)
            return;
        ++m_hol_waits;
        trace(state::wait_resources, wave_frame(), conn);
        while (!m_alloc.returned_since_decision(allocator::requester::parser))
            m_alloc.resources_returned().wait();
    }
}

void parser::dispatch_hol(core::frame_slot* f) {
    if (f->cls == lookup::frame_class::known) {
        wait_for_grant(f->conn, f->orig_len);
        ++m_direct;
        m_send.push({f, f->conn, core::path_kind::direct});
        return;
    }
    // A classic adapter fans special frames out itself, one copy at a time, each copy
    // waiting for its VM's resources in turn.
    m_table.fan_out(f->hdr, {f->cls, f->conn}, m_targets);
    if (m_targets.empty()) {
        drop(f, f->cls == lookup::frame_class::unknown ? core::drop_reason::unknown_destination
                                                       : core::drop_reason::no_member);
        return;
    }
    m_events.fanout(f->index, static_cast<std::uint32_t>(m_targets.size()));
    f->readers += static_cast<std::uint32_t>(m_targets.size()) - 1;
    for (std::uint32_t k : m_targets) {
        wait_for_grant(k, f->orig_len);
        ++m_direct;
        m_send.push({f, k, core::path_kind::direct});
    }
}

} // namespace evr::parser
