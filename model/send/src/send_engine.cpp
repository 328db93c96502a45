#include "evr/send/send_engine.h"

#include "evr/mem/payload.h"

namespace evr::send {

send_engine::send_engine(sc_core::sc_module_name name, const core::clock_domain& clock,
                         rxbuf::receive_buffer& rx, core::frame_pool& pool)
    : engine_base(name, clock), host_out("host_out"), m_rx(rx), m_pool(pool) {
    // The payload is reused for every write; the extension is a member, never deleted.
    m_payload.set_extension(&m_ext);
    SC_THREAD(run);
}

void send_engine::push(const send_job& job) {
    m_jobs.push_back(job);
    m_work.notify();
}

void send_engine::run() {
    for (;;) {
        while (m_jobs.empty()) {
            m_busy = false;
            trace(0);
            m_work.wait();
        }
        m_busy = true;
        const send_job job = m_jobs.front();
        m_jobs.pop_front();
        core::frame_slot* f = job.frame;
        trace(1, f->index, job.conn);

        m_ext.index = f->index;
        m_ext.conn = job.conn;
        m_ext.orig_len = f->orig_len;
        m_ext.path = job.path;
        // Host address: the connection's receive ring; the VM model resolves the slot.
        mem::prepare(m_payload, tlm::TLM_WRITE_COMMAND, static_cast<sc_dt::uint64>(job.conn) << 32,
                     f->bytes.data(), f->cap_len);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        host_out->b_transport(m_payload, delay);
        if (m_payload.is_response_error())
            SC_REPORT_FATAL(name(), "host write failed");
        sync(delay);
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
