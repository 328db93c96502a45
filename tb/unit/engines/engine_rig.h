// The router's parts every engine rig builds around the engine under test: an
// engine_context (clock, frame slots, headers, events, queue numbering, allocator,
// receive buffer), the elastic FIFO reference behind a spy back end and its command port,
// and the data-store SRAM. One builder, so each rig holds only what is its own (the
// engine, its neighbours, its drivers). A rig derives from sc_module first, then from
// this, so the parts are named inside the rig.
#pragma once

#include <cstdint>
#include <vector>

#include "engine_bench.h"
#include "evr/allocator/allocator.h"
#include "evr/core/engine_context.h"
#include "evr/mem/sram.h"
#include "evr/rxbuf/receive_buffer.h"

namespace evr::test {

struct rig_setup {
    fifo_params fifo;
    std::vector<allocator::allocator::vm_ring> rings; // one per connection
    std::uint32_t credits = 8;
    std::uint32_t alloc_latency = 2;
    std::uint64_t sram_bytes = 65536;
    std::uint32_t sram_bytes_per_cycle = 32;
    std::uint32_t sram_latency = 4;
};

struct engine_rig_parts {
    core::clock_domain clock{freq_mhz};
    fifo_queues queues;
    core::frame_pool pool{9216};
    core::frame_events events;
    event_log log; // listens to `events`
    core::buffer_headers headers;
    spy_backend backend;
    fifo_target port;
    mem::sram sram;
    rxbuf::receive_buffer rx;
    allocator::allocator alloc;
    core::engine_context ctx{clock, pool, headers, events, queues, alloc, rx};

    explicit engine_rig_parts(const rig_setup& s)
        : queues(s.fifo), headers(s.fifo.descriptors), backend(s.fifo),
          port("fifo", clock.period(), backend),
          sram("sram", clock, s.sram_bytes, s.sram_bytes_per_cycle, s.sram_latency),
          rx("rx", 65536, 16), alloc("allocator", clock, s.rings, s.credits, s.alloc_latency) {
        events.add(&log);
    }
};

} // namespace evr::test
