// The send engine (patent 209): writes granted frames into their VM's host memory and
// completes the receive descriptor. It serves the direct path (bytes read out of the
// receive buffer) and the local engine (bytes read back from the data store) in the order
// their frames were granted.
#pragma once

#include <cstdint>
#include <deque>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/core/engine_base.h"
#include "evr/core/frame.h"
#include "evr/core/wake_event.h"
#include "evr/mem/frame_ext.h"
#include "evr/rxbuf/receive_buffer.h"

namespace evr::send {

struct send_job {
    core::frame_slot* frame = nullptr;
    std::uint32_t conn = 0;
    core::path_kind path = core::path_kind::direct;
};

class send_engine : public core::engine_base {
public:
    tlm_utils::simple_initiator_socket<send_engine> host_out;

    SC_HAS_PROCESS(send_engine);
    send_engine(sc_core::sc_module_name name, const core::clock_domain& clock,
                rxbuf::receive_buffer& rx, core::frame_pool& pool);
    ~send_engine() override { m_payload.clear_extension(&m_ext); } // a member, not heap

    void push(const send_job& job);
    std::size_t queued() const { return m_jobs.size(); }
    bool busy() const { return m_busy; }
    std::uint64_t frames() const { return m_frames; }

private:
    void run();

    rxbuf::receive_buffer& m_rx;
    core::frame_pool& m_pool;
    std::deque<send_job> m_jobs;
    core::wake_event m_work;
    tlm::tlm_generic_payload m_payload;
    mem::frame_ext m_ext;
    bool m_busy = false;
    std::uint64_t m_frames = 0;
};

} // namespace evr::send
