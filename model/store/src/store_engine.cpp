#include "evr/store/store_engine.h"

#include "evr/mem/payload.h"

namespace evr::store {

store_engine::store_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                           const store_params& params)
    : engine_base(name, ctx.clock), fifo_out("fifo_out"), sram_out("sram_out"), m_params(params),
      m_rx(ctx.rx), m_pool(ctx.frames), m_headers(ctx.headers), m_alloc(ctx.alloc),
      m_events(ctx.events), m_queues(ctx.queues), m_fifo(fifo_out) {
    m_sram_payload.set_extension(&m_ext);
    SC_THREAD(run);
}

void store_engine::push(const store_job& job) {
    m_jobs.push_back(job);
    m_work.notify();
}

// Smallest class that fits, else the next larger ones: a frame is never split.
bool store_engine::try_alloc(std::uint32_t orig_len, std::uint32_t& buffer, std::uint32_t& addr) {
    for (std::uint32_t c = 0; c < m_params.classes.size(); ++c) {
        if (m_params.classes[c] < orig_len)
            continue;
        const fifo_cmd& cmd = m_fifo.alloc(c);
        if (cmd.rsp.result == fifo_result::ok) {
            buffer = cmd.rsp.buffer;
            addr = cmd.rsp.addr;
            if (on_allocated)
                on_allocated();
            return true;
        }
    }
    if (on_allocated)
        on_allocated(); // an empty pool is news for the manager
    return false;
}

void store_engine::run() {
    for (;;) {
        while (m_jobs.empty()) {
            m_busy = false;
            trace(state::idle);
            m_work.wait();
        }
        m_busy = true;
        const store_job job = m_jobs.front();
        m_jobs.pop_front();
        core::frame_slot* f = job.frame;
        const bool numbered = m_queues.is_numbered(job.queue);
        trace(state::alloc, f->index, numbered ? m_queues.connection_of(job.queue) : wave_none);

        std::uint32_t buffer = 0;
        std::uint32_t addr = 0;
        std::uint64_t seen = m_freed_count;
        bool ok = try_alloc(f->orig_len, buffer, addr);
        // Option "wait": hold the frame while the receive buffer keeps absorbing the wire.
        while (!ok && m_params.wait_for_buffer) {
            ++m_waits;
            trace(state::wait_buffer, wave_frame(), wave_conn());
            while (m_freed_count == seen) {
                wait(m_freed);
                core::delta_jitter();
            }
            seen = m_freed_count;
            trace(state::alloc, wave_frame(), wave_conn());
            ok = try_alloc(f->orig_len, buffer, addr);
        }
        if (!ok) {
            // Undo what the parser counted for this frame: its connection's stored frames
            // (a numbered queue, or a unicast diverted through the special queue by strict
            // ordering) and the strict ordering's pending special.
            if (numbered)
                m_alloc.remove_stored(m_queues.connection_of(job.queue));
            else if (f->cls == lookup::frame_class::known)
                m_alloc.remove_stored(f->conn);
            if (!numbered && on_special_dropped)
                on_special_dropped(f->hdr);
            core::copy_view v{f->index,   std::nullopt, f->bytes.data(),
                              f->cap_len, f->orig_len,  m_clock.now()};
            trace_drop(core::drop_reason::no_buffer, wave_conn());
            m_events.dropped(v, core::drop_reason::no_buffer);
            if (m_rx.release(f))
                m_pool.put(f);
            continue; // nothing was enqueued: no engine is told of a submission
        }

        core::buffer_header& h = m_headers[buffer];
        h.index = f->index;
        h.ts_ns = f->ts_ns;
        h.arrival = f->arrival;
        h.orig_len = f->orig_len;
        h.cap_len = f->cap_len;
        h.addr = addr;
        h.cls = f->cls;
        h.conn = f->conn;

        // Timing follows the original length; the SRAM keeps the captured bytes.
        m_ext.orig_len = f->orig_len;
        mem::prepare(m_sram_payload, tlm::TLM_WRITE_COMMAND, addr, f->bytes.data(), f->cap_len);
        trace(state::sram_write, wave_frame(), wave_conn());
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        sram_out->b_transport(m_sram_payload, d);
        if (m_sram_payload.is_response_error())
            SC_REPORT_FATAL(name(), "data store write out of range");
        sync(d);
        if (m_rx.release(f))
            m_pool.put(f);

        trace(state::enqueue, wave_frame(), wave_conn());
        m_fifo.enqueue(job.queue, buffer, h.cap_len, static_cast<std::uint32_t>(h.index));
        ++m_stored;
        if (on_submitted)
            on_submitted(job.queue);
    }
}

} // namespace evr::store
