// The local engine (patent 213): watches the allocator (which connections have
// resources again) and the elastic FIFO (which numbered queues hold frames). For a
// connection with both it takes exclusive access (block 129) until the connection's
// numbered queue is empty, dequeues its frames in order, reads them back from the data
// store and hands them to the send engine. Then direct flow resumes (claims 6, 7).
//
// The FIFO's round-robin PICK chooses among non-empty numbered queues; a connection that
// ran out of resources is MASKed out of the pick, keeping the frame it already dequeued,
// until the allocator reports resources for it again.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/allocator/allocator.h"
#include "evr/core/buffer_header.h"
#include "evr/core/engine_base.h"
#include "evr/core/frame_events.h"
#include "evr/core/wake_event.h"
#include "evr/fifo/fifo_client.h"
#include "evr/mem/frame_ext.h"
#include "evr/send/send_engine.h"

namespace evr::local {

class local_engine : public core::engine_base {
public:
    // What the local engine is doing (router.local.state, docs/waveforms.md).
    enum class state : std::uint8_t {
        idle,
        pick,
        unmask,
        dequeue,
        allocate,
        hold, // refused: the frame is held and its connection masked
        sram_read,
        release,
    };

    tlm_utils::simple_initiator_socket<local_engine> fifo_out;
    tlm_utils::simple_initiator_socket<local_engine> sram_out;

    SC_HAS_PROCESS(local_engine);
    local_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                 std::uint32_t connections, bool drop_without_resources, send::send_engine& sender);
    ~local_engine() override { m_sram_payload.clear_extension(&m_ext); }

    // A buffer was submitted to numbered queue `q` (from the store or assist engine).
    void submitted(std::uint32_t conn);
    // A buffer was released to its pool (the store engine may be waiting for one).
    std::function<void()> on_buffer_freed;

    std::uint32_t exclusive_count() const { return m_exclusive_count; }
    std::uint64_t frames() const { return m_frames; }
    std::uint64_t grants_refused() const { return m_refused; }
    bool busy() const { return m_busy; }
    std::uint64_t queued(std::uint32_t conn) const { return m_queued[conn]; }
    bool masked(std::uint32_t conn) const { return m_masked[conn]; }
    // Waveforms only (kept while a probe is attached): the connection the last PICK
    // returned (wave_none: EMPTY) and the one whose exclusive access began last (wave_none
    // once it ended).
    std::uint32_t wave_pick() const { return m_wave_pick; }
    std::uint32_t wave_exclusive() const { return m_wave_exclusive; }

private:
    struct held_buffer {
        std::uint32_t buffer = 0; // the dequeued buffer (normal or indirect)
        std::uint32_t normal = 0; // the normal buffer with the bytes
        std::uint32_t len = 0;
    };

    void run();
    void serve(std::uint32_t conn);
    void send_held(std::uint32_t conn, const held_buffer& b);
    void release_exclusive_if_done(std::uint32_t conn);
    void drain_returns();

    bool m_drop_without_resources;
    allocator::allocator& m_alloc;
    send::send_engine& m_send;
    core::frame_pool& m_pool;
    core::buffer_headers& m_headers;
    core::frame_events& m_events;
    fifo_queues m_queues;
    fifo_client m_fifo;
    tlm::tlm_generic_payload m_sram_payload;
    tlm::tlm_generic_payload m_debug_payload; // dropped frames into dropped.pcap
    mem::frame_ext m_ext;

    std::vector<std::optional<held_buffer>> m_held; // dequeued, waiting for resources
    std::vector<std::uint64_t> m_queued;            // buffers on each numbered queue
    std::vector<bool> m_masked;
    std::vector<std::uint32_t> m_ready;          // masked connections whose resources returned
    std::vector<std::uint32_t> m_returned;       // scratch for allocator::take_returned
    std::vector<std::uint32_t> m_credit_waiters; // masked for want of a host-write credit
    bool m_kick = false;                         // work arrived since the loop began
    std::uint32_t m_exclusive_count = 0;
    core::wake_event m_work;
    bool m_busy = false;
    std::uint64_t m_frames = 0;
    std::uint64_t m_refused = 0;
    std::uint32_t m_wave_pick = wave_none;
    std::uint32_t m_wave_exclusive = wave_none;
};

} // namespace evr::local
