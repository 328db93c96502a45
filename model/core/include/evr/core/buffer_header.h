// What a stored frame's buffer records about it besides its bytes: in hardware a small
// header at the start of the buffer in the data store, here a table indexed by the
// normal buffer's descriptor.
#pragma once

#include <cstdint>
#include <vector>

#include "evr/core/frame.h"

namespace evr::core {

struct buffer_header {
    std::uint64_t index = 0;
    std::uint64_t ts_ns = 0;
    cycle_t arrival = 0;
    std::uint32_t orig_len = 0;
    std::uint32_t cap_len = 0;
    std::uint32_t addr = 0; // SRAM address of the buffer
    lookup::frame_class cls = lookup::frame_class::unknown;
    std::uint32_t conn = 0; // cls == known
};

using buffer_headers = std::vector<buffer_header>;

} // namespace evr::core
