// The parser (patent 205) at the head of the addrq (407): parses the head frame's headers,
// looks its destination connection up in the fast tables and, for a known connection, asks
// the allocator for the resources (patent blocks 103-113). What it decides:
//   elastic: granted -> send engine; refused or special -> store engine (elastic FIFO);
//   drop:    like elastic, but a connection without resources loses the frame;
//   hol:     the head frame waits for its resources and everything behind it waits too;
//            broadcast/multicast copies go out one by one the same way.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "evr/allocator/allocator.h"
#include "evr/core/engine_base.h"
#include "evr/core/frame_events.h"
#include "evr/fifo/fifo_cmd.h"
#include "evr/lookup/connection_table.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/send/send_engine.h"
#include "evr/store/store_engine.h"

namespace evr::parser {

enum class policy : std::uint8_t { elastic, hol, drop };

struct parser_params {
    std::uint32_t parse_latency = 8;
    std::uint32_t lookup_latency = 4;
    policy mode = policy::elastic;
    // Also keep broadcast/multicast copies in order with unicast frames per connection:
    // while a VLAN has special frames in the store/assist path, its unicast frames follow
    // them through the same (single) special queue.
    bool strict = false;
};

class parser : public core::engine_base {
public:
    // What the parser is doing (the waveform's router.parser.state, docs/waveforms.md).
    enum class state : std::uint8_t { idle, parse, allocate, wait_resources };

    SC_HAS_PROCESS(parser);
    parser(sc_core::sc_module_name name, const core::engine_context& ctx,
           const parser_params& params, const lookup::connection_table& table,
           send::send_engine& sender, store::store_engine& storer);

    // strict ordering: the assist engine has taken a frame of this VLAN off the queue.
    void special_resolved(const lookup::parsed_frame& hdr);

    std::uint64_t frames() const { return m_frames; }
    std::uint64_t direct() const { return m_direct; }
    std::uint64_t to_store() const { return m_to_store; }
    std::uint64_t hol_waits() const { return m_hol_waits; }
    bool busy() const { return m_busy; }

private:
    void run();
    void dispatch_elastic(core::frame_slot* f);
    void dispatch_hol(core::frame_slot* f);
    void wait_for_grant(std::uint32_t conn, std::uint32_t orig_len);
    void drop(core::frame_slot* f, core::drop_reason r);
    static std::uint32_t vlan_key(const lookup::parsed_frame& hdr);

    parser_params m_params;
    rxbuf::receive_buffer& m_rx;
    core::frame_pool& m_pool;
    const lookup::connection_table& m_table;
    allocator::allocator& m_alloc;
    send::send_engine& m_send;
    store::store_engine& m_store;
    core::frame_events& m_events;
    fifo_queues m_queues;
    std::unordered_map<std::uint32_t, std::uint32_t> m_vlan_pending; // strict ordering
    std::vector<std::uint32_t> m_targets;
    bool m_busy = false;
    std::uint64_t m_frames = 0;
    std::uint64_t m_direct = 0;
    std::uint64_t m_to_store = 0;
    std::uint64_t m_hol_waits = 0;
};

} // namespace evr::parser
