// The assist engine (patent 217): serves the named special queues. It reads a stored
// frame's headers back from the data store, resolves where it must go (the connection of
// an unknown destination, every member for broadcast and multicast) and fans it out to
// the numbered queues by linking fresh indirect buffers to the one normal buffer (use
// counts, 509). A single destination takes the normal buffer itself.
#pragma once

#include <array>
#include <cstdint>
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
#include "evr/lookup/connection_table.h"

namespace evr::assist {

struct assist_params {
    std::uint32_t header_bytes = 128;  // bytes read back from the data store to parse
    std::uint32_t lookup_latency = 16; // cycles of the full-table resolution per frame
    std::uint32_t per_copy_cycles = 0; // extra cycles per fanned-out copy
};

class assist_engine : public core::engine_base {
public:
    // What the assist engine is doing (router.assist.state, docs/waveforms.md).
    enum class state : std::uint8_t { idle, dequeue, header_read, lookup, link_copy, release };

    tlm_utils::simple_initiator_socket<assist_engine> fifo_out;
    tlm_utils::simple_initiator_socket<assist_engine> sram_out;

    SC_HAS_PROCESS(assist_engine);
    assist_engine(sc_core::sc_module_name name, const core::engine_context& ctx,
                  const assist_params& params, const lookup::connection_table& table);

    // A buffer was submitted to special queue `q`.
    void submitted(std::uint32_t queue);
    // Called for each copy put on a numbered queue, and when a buffer went back to a pool.
    std::function<void(std::uint32_t conn)> on_linked;
    std::function<void()> on_buffer_freed;
    // strict ordering: called when a frame of VLAN `vlan` left the special queue.
    std::function<void(const lookup::parsed_frame&)> on_resolved;

    std::uint64_t frames() const { return m_frames; }
    std::uint64_t copies() const { return m_copies; }
    bool busy() const { return m_busy; }

private:
    void run();
    void resolve(std::uint32_t queue);
    void drop_whole(const core::buffer_header& h, std::uint32_t buffer, core::drop_reason r);

    assist_params m_params;
    const lookup::connection_table& m_table;
    allocator::allocator& m_alloc;
    core::buffer_headers& m_headers;
    core::frame_events& m_events;
    fifo_queues m_queues;
    fifo_client m_fifo;
    tlm::tlm_generic_payload m_sram_payload;
    tlm::tlm_generic_payload m_debug_payload; // dropped frames into dropped.pcap
    std::vector<std::uint8_t> m_header_bytes;
    std::vector<std::uint8_t> m_drop_bytes;
    std::vector<std::uint32_t> m_targets;
    std::array<std::uint64_t, 4> m_waiting{}; // buffers on each special queue
    std::uint32_t m_rr = 0;                   // round robin over the special queues
    core::wake_event m_work;
    bool m_busy = false;
    std::uint64_t m_frames = 0;
    std::uint64_t m_copies = 0;
};

} // namespace evr::assist
