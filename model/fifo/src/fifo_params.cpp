// Validation of the elastic FIFO size parameters.
#include "evr/fifo/fifo_params.h"

#include <string>

#include "evr/common/error.h"

namespace evr {

namespace {

// Indices must stay below 0xffffffff, which the lists use as their end marker.
constexpr uint64_t index_limit = 0xffffffffu;

} // namespace

void fifo_params::validate() const {
    if (classes == 0)
        throw input_error("fifo.classes: must be at least 1");
    if (descriptors == 0)
        throw input_error("fifo.descriptors: must be at least 1");
    if (connections == 0)
        throw input_error("fifo.connections: must be at least 1");
    if (uint64_t{descriptors} + indirect >= index_limit)
        throw input_error("fifo.indirect: descriptors + indirect must be below 2^32-1, got " +
                          std::to_string(uint64_t{descriptors} + indirect));
    // classes + indirect pool + 4 special queues + connections
    if (uint64_t{classes} + 5 + connections >= index_limit)
        throw input_error("fifo.connections: classes + 5 + connections must be below 2^32-1");
}

} // namespace evr
