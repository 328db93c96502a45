// The send engine (patent 209): writes granted frames into their VM's host memory and
// completes the receive descriptor. It serves two sources, each in the order its frames
// were granted: the parser's direct path (bytes read out of the receive buffer) and the
// local engine (bytes read back from the data store). Between the two, its intake is an
// arbiter (docs/timing.md, "Arbitration"): whenever the host-write port is free it takes
// the oldest job, and of two pushed in the same cycle the one the configured policy
// grants (half a period after that edge), never by the order the kernel ran the pushers.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <memory>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/core/arbiter.h"
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
    // What the send engine is doing (router.send.state, docs/waveforms.md).
    enum class state : std::uint8_t { idle, host_write };

    tlm_utils::simple_initiator_socket<send_engine> host_out;

    SC_HAS_PROCESS(send_engine);
    // `arbitration` names "parser" and "local" (left empty: round robin in that order).
    send_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                const core::port_arbitration& arbitration = {});
    ~send_engine() override { m_payload.clear_extension(&m_ext); } // a member, not heap

    // From the parser (path direct) or the local engine (stored, assisted), on an edge.
    void push(const send_job& job);
    std::size_t queued() const { return m_jobs[0].size() + m_jobs[1].size(); }
    bool busy() const { return m_busy; }
    std::uint64_t frames() const { return m_frames; }
    // Grants, wait cycles (push to issue) and the longest wait per source (stats.json).
    const core::arbiter& arbiter() const { return *m_arbiter; }
    // Waveforms: the intake's requests and grants.
    void attach_arbiter_probe(wave_probe* probe) {
        m_arbiter->attach_probe(probe, wave_port::host_write);
    }

private:
    struct queued_job {
        send_job job;
        core::cycle_t pushed;
        std::uint64_t sequence; // push order over both sources (the planted fault's key)
    };
    void run();
    void request_next(std::uint32_t source); // the source's oldest job enters arbitration

    rxbuf::receive_buffer& m_rx;
    core::frame_pool& m_pool;
    std::array<std::deque<queued_job>, 2> m_jobs; // per source: parser 0, local 1
    std::unique_ptr<core::arbiter> m_arbiter;
    std::uint64_t m_pushes = 0;
    core::wake_event m_work;
    tlm::tlm_generic_payload m_payload;
    mem::frame_ext m_ext;
    bool m_busy = false;
    std::uint64_t m_frames = 0;
};

} // namespace evr::send
