#include "evr/local/local_engine.h"

#include "evr/mem/payload.h"

namespace evr::local {

local_engine::local_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                           std::uint32_t connections, bool drop_without_resources,
                           send::send_engine& sender)
    : engine_base(name, ctx.clock), fifo_out("fifo_out"), sram_out("sram_out"),
      m_drop_without_resources(drop_without_resources), m_alloc(ctx.alloc), m_send(sender),
      m_pool(ctx.frames), m_headers(ctx.headers), m_events(ctx.events), m_queues(ctx.queues),
      m_fifo(fifo_out), m_held(connections), m_queued(connections, 0),
      m_masked(connections, false) {
    m_sram_payload.set_extension(&m_ext);
    SC_THREAD(run);
}

void local_engine::submitted(std::uint32_t conn) {
    ++m_queued[conn];
    m_kick = true;
    m_work.notify();
}

// Connections whose resources came back: unmask them (their held frame goes first).
void local_engine::drain_returns() {
    const bool credit = m_alloc.take_returned(m_returned);
    for (std::uint32_t k : m_returned)
        if (m_masked[k])
            m_ready.push_back(k);
    // A returned credit unblocks every connection that waited for one.
    if (credit) {
        m_ready.insert(m_ready.end(), m_credit_waiters.begin(), m_credit_waiters.end());
        m_credit_waiters.clear();
        m_alloc.watch_credits(false);
    }
}

void local_engine::run() {
    for (;;) {
        m_kick = false;
        drain_returns();
        while (!m_ready.empty()) {
            const std::uint32_t k = m_ready.back();
            m_ready.pop_back();
            if (!m_masked[k])
                continue;
            m_busy = true;
            trace(state::unmask, ~std::uint64_t{0}, k);
            m_fifo.mask(k, false);
            m_masked[k] = false;
            m_alloc.watch(k, false);
            if (m_probe)
                m_probe->changed(wave_unit::local, k);
            serve(k);
        }
        trace(state::pick, ~std::uint64_t{0}, wave_none);
        const fifo_cmd& pick = m_fifo.pick();
        if (m_probe) {
            m_wave_pick = pick.rsp.result == fifo_result::ok ? pick.rsp.connection : wave_none;
            m_probe->changed(wave_unit::local, wave_none);
        }
        if (pick.rsp.result == fifo_result::ok) {
            m_busy = true;
            serve(pick.rsp.connection);
            continue;
        }
        // News that came while the PICK was in flight must not be slept through. Only
        // returns to masked connections and credits awaited count: with none, the PICK
        // that just found nothing would find nothing again, so the engine sleeps through
        // other returns instead of spending a FIFO command on each host write.
        if (m_kick || m_alloc.has_watched_returned())
            continue;
        m_busy = false;
        trace(state::idle);
        m_work.arm();
        m_alloc.watched_returned().arm();
        wait(m_work.event() | m_alloc.watched_returned().event());
        core::delta_jitter();
        m_work.disarm();
        m_alloc.watched_returned().disarm();
    }
}

// One frame of `conn`: the held one, else the head of its numbered queue.
void local_engine::serve(std::uint32_t conn) {
    held_buffer b;
    if (m_held[conn]) {
        b = *m_held[conn];
        m_held[conn].reset();
    } else {
        trace(state::dequeue, ~std::uint64_t{0}, conn);
        const fifo_cmd& deq = m_fifo.dequeue(m_queues.numbered(conn));
        if (deq.rsp.result != fifo_result::ok)
            return;
        --m_queued[conn];
        b.buffer = deq.rsp.buffer;
        b.normal = deq.rsp.normal;
        b.len = deq.rsp.len;
        if (!m_alloc.exclusive(conn)) {
            m_alloc.set_exclusive(conn, true); // block 129: exclusive access begins
            ++m_exclusive_count;
            if (m_probe)
                m_wave_exclusive = conn;
        }
    }
    const core::buffer_header& h = m_headers[b.normal];
    trace(state::allocate, h.index, conn);
    const allocator::grant g = m_alloc.request(allocator::requester::local, conn, h.orig_len);
    if (g != allocator::grant::ok) {
        ++m_refused;
        if (m_drop_without_resources) {
            core::frame_slot* f = m_pool.get();
            f->bytes.resize(h.cap_len);
            mem::debug_read(sram_out, m_debug_payload, h.addr, f->bytes.data(), h.cap_len);
            core::copy_view v{h.index, conn, f->bytes.data(), h.cap_len, h.orig_len, m_clock.now()};
            trace_drop(core::drop_reason::no_resources, conn);
            m_events.dropped(v, core::drop_reason::no_resources);
            m_pool.put(f);
            const fifo_cmd& rel = m_fifo.release(b.buffer);
            if (rel.rsp.freed && on_buffer_freed)
                on_buffer_freed();
            m_alloc.remove_stored(conn);
            release_exclusive_if_done(conn);
            return;
        }
        // Keep the frame, leave the pick until the allocator has resources for `conn`.
        m_held[conn] = b;
        trace(state::hold, h.index, conn);
        m_fifo.mask(conn, true);
        m_masked[conn] = true;
        m_alloc.watch(conn, true);
        if (m_probe)
            m_probe->changed(wave_unit::local, conn);
        if (g == allocator::grant::no_credit) {
            m_credit_waiters.push_back(conn);
            m_alloc.watch_credits(true);
        }
        return;
    }
    send_held(conn, b);
}

void local_engine::send_held(std::uint32_t conn, const held_buffer& b) {
    const core::buffer_header& h = m_headers[b.normal];
    core::frame_slot* f = m_pool.get();
    f->index = h.index;
    f->ts_ns = h.ts_ns;
    f->arrival = h.arrival;
    f->orig_len = h.orig_len;
    f->cap_len = h.cap_len;
    f->cls = h.cls;
    f->conn = conn;
    f->bytes.resize(h.cap_len);

    trace(state::sram_read, h.index, conn);
    m_ext.orig_len = h.orig_len;
    mem::prepare(m_sram_payload, tlm::TLM_READ_COMMAND, h.addr, f->bytes.data(), h.cap_len);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    sram_out->b_transport(m_sram_payload, d);
    if (m_sram_payload.is_response_error())
        SC_REPORT_FATAL(name(), "data store read out of range");
    sync(d);

    const bool special = b.buffer != b.normal || h.cls != lookup::frame_class::known;
    m_send.push({f, conn, special ? core::path_kind::assisted : core::path_kind::stored});
    m_alloc.remove_stored(conn);
    ++m_frames;

    trace(state::release, h.index, conn);
    const fifo_cmd& rel = m_fifo.release(b.buffer);
    if (rel.rsp.freed && on_buffer_freed)
        on_buffer_freed();
    release_exclusive_if_done(conn);
}

// Exclusive access ends when nothing of `conn` is left in the elastic FIFO (claim 7).
void local_engine::release_exclusive_if_done(std::uint32_t conn) {
    if (m_queued[conn] == 0 && !m_held[conn] && m_alloc.exclusive(conn)) {
        m_alloc.set_exclusive(conn, false);
        --m_exclusive_count;
        if (m_probe) {
            if (m_wave_exclusive == conn)
                m_wave_exclusive = wave_none;
            m_probe->changed(wave_unit::local, conn);
        }
    }
}

} // namespace evr::local
