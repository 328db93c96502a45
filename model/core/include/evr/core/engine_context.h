// What the engines of one router share, handed to each engine's constructor in one piece
// (docs/architecture.md, "Engines"): the clock, the frame slots, the buffer headers, the
// frame event hub, the FIFO's queue numbering, the allocator and the receive buffer.
// References only: the router owns them all, and declarations suffice here.
#pragma once

#include "evr/core/buffer_header.h"
#include "evr/core/cycles.h"
#include "evr/core/frame.h"
#include "evr/core/frame_events.h"

namespace evr {
struct fifo_queues;
namespace rxbuf {
class receive_buffer;
}
namespace allocator {
class allocator;
}
} // namespace evr

namespace evr::core {

struct engine_context {
    const clock_domain& clock;
    frame_pool& frames;
    buffer_headers& headers;
    frame_events& events;
    const fifo_queues& queues;
    allocator::allocator& alloc;
    rxbuf::receive_buffer& rx;
};

} // namespace evr::core
