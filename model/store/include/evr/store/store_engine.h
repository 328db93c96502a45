// The store engine (patent 211): takes every frame that cannot go straight through
// (special type, unknown destination, or no resources), obtains a free buffer from the
// elastic FIFO, writes the frame into the data store and submits the buffer to the
// frame's queue: a named special queue or the connection's numbered queue.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
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
#include "evr/rxbuf/receive_buffer.h"

namespace evr::store {

struct store_job {
    core::frame_slot* frame = nullptr;
    std::uint32_t queue = 0; // elastic FIFO queue index (special or numbered)
};

struct store_params {
    std::vector<std::uint32_t> classes; // buffer size classes, ascending
    bool wait_for_buffer = false;       // router.no_buffer = wait
};

class store_engine : public core::engine_base {
public:
    // What the store engine is doing (router.store.state, docs/waveforms.md).
    enum class state : std::uint8_t { idle, alloc, wait_buffer, sram_write, enqueue };

    tlm_utils::simple_initiator_socket<store_engine> fifo_out;
    tlm_utils::simple_initiator_socket<store_engine> sram_out;

    SC_HAS_PROCESS(store_engine);
    store_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                 const store_params& params);
    ~store_engine() override { m_sram_payload.clear_extension(&m_ext); }

    void push(const store_job& job);
    // Called after each submitted buffer with its queue (the assist and local engines
    // learn about their work this way, as the patent's monitors would).
    std::function<void(std::uint32_t queue)> on_submitted;
    // A buffer went back to a pool: a waiting store may retry.
    void buffer_freed() {
        ++m_freed_count; // counted: a free while the engine is not yet waiting still counts
        m_freed.notify(sc_core::SC_ZERO_TIME);
    }
    // A buffer was taken (or a pool was found empty): the pool manager may want to look.
    std::function<void()> on_allocated;
    // A frame bound for a special queue was dropped (no buffer): strict ordering must stop
    // waiting for it, as if the assist engine had resolved it.
    std::function<void(const lookup::parsed_frame&)> on_special_dropped;

    std::size_t queued() const { return m_jobs.size(); }
    bool busy() const { return m_busy; }
    std::uint64_t stored() const { return m_stored; }
    std::uint64_t waits() const { return m_waits; }

private:
    void run();
    bool try_alloc(std::uint32_t orig_len, std::uint32_t& buffer, std::uint32_t& addr);

    store_params m_params;
    rxbuf::receive_buffer& m_rx;
    core::frame_pool& m_pool;
    core::buffer_headers& m_headers;
    allocator::allocator& m_alloc;
    core::frame_events& m_events;
    fifo_queues m_queues;
    fifo_client m_fifo;
    tlm::tlm_generic_payload m_sram_payload;
    mem::frame_ext m_ext; // carries the original length for the SRAM port timing
    std::deque<store_job> m_jobs;
    core::wake_event m_work;
    // A plain event: the "wait" policy waits for a free right after an ALLOC that failed,
    // without re-checking first, so a free in that same delta must not be skipped.
    sc_core::sc_event m_freed;
    std::uint64_t m_freed_count = 0;
    bool m_busy = false;
    std::uint64_t m_stored = 0;
    std::uint64_t m_waits = 0;
};

} // namespace evr::store
