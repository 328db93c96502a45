#include "evr/send/send_engine.h"

#include "evr/mem/payload.h"

namespace evr::send {

namespace {

constexpr std::uint32_t from_parser = 0;
constexpr std::uint32_t from_local = 1;

} // namespace

send_engine::send_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                         const core::port_arbitration& arbitration)
    : engine_base(name, ctx.clock), host_out("host_out"), m_rx(ctx.rx), m_pool(ctx.frames) {
    core::port_arbitration how = arbitration;
    if (how.requesters.empty())
        how.requesters = {"parser", "local"};
    m_arbiter = core::make_arbiter(std::string(this->name()) + ".intake", 2, how);
    // The payload is reused for every write; the extension is a member, never deleted.
    m_payload.set_extension(&m_ext);
    SC_THREAD(run);
}

void send_engine::push(const send_job& job) {
    const std::uint32_t source = job.path == core::path_kind::direct ? from_parser : from_local;
    m_jobs[source].push_back({job, m_clock.now(), m_pushes++});
    if (m_jobs[source].size() == 1)
        request_next(source);
    m_work.notify();
}

void send_engine::request_next(std::uint32_t source) {
    const queued_job& head = m_jobs[source].front();
    m_arbiter->request(source, head.pushed, head.sequence);
}

void send_engine::run() {
    for (;;) {
        while (!m_arbiter->pending()) {
            m_busy = false;
            trace(state::idle);
            m_work.wait();
        }
        m_busy = true;
        // A job pushed on this edge competes only at the grant phase, when every push of
        // the edge is in. When the oldest job is from an earlier cycle, this edge's pushes
        // cannot win, so it is granted at once (no wait on the per-frame path).
        if (m_arbiter->earliest() == m_clock.now())
            wait(m_clock.half_period());
        const core::cycle_t issue = m_clock.now();
        // One intake queue in push order: a stored frame the local engine pushed before
        // the parser's direct frame of its connection is written first (the allocator
        // grants that direct frame only once nothing of the connection is stored). Pushes
        // of one cycle, always for different connections, are ordered by the arbiter.
        const auto source =
            static_cast<std::uint32_t>(m_arbiter->grant(m_arbiter->earliest(), issue));
        const send_job job = m_jobs[source].front().job;
        m_jobs[source].pop_front();
        if (!m_jobs[source].empty())
            request_next(source);
        core::frame_slot* f = job.frame;
        trace(state::host_write, f->index, job.conn);

        m_ext.index = f->index;
        m_ext.conn = job.conn;
        m_ext.orig_len = f->orig_len;
        m_ext.path = job.path;
        // Host address: the connection's receive ring; the VM model resolves the slot.
        mem::prepare(m_payload, tlm::TLM_WRITE_COMMAND, static_cast<sc_dt::uint64>(job.conn) << 32,
                     f->bytes.data(), f->cap_len);
        // Issued in cycle `issue` (the target counts whole cycles of the time it is called
        // at); the engine is free again on the edge the last byte has left.
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        host_out->b_transport(m_payload, delay);
        if (m_payload.is_response_error())
            SC_REPORT_FATAL(name(), "host write failed");
        wait(m_clock.duration(issue) + delay - sc_core::sc_time_stamp());
        core::delta_jitter();
        ++m_frames;

        // The bytes have left: free the receive-buffer space or the staging slot.
        if (job.path == core::path_kind::direct) {
            if (m_rx.release(f))
                m_pool.put(f);
        } else {
            m_pool.put(f);
        }
    }
}

} // namespace evr::send
