// Size parameters of the elastic FIFO; the RTL parameters mirror them one to one.
#pragma once

#include <cstdint>

namespace evr {

struct fifo_params {
    uint32_t classes = 2;        // normal-buffer size classes (one free pool each)
    uint32_t descriptors = 4096; // normal-buffer descriptors (spare until ADD_FREE binds them)
    uint32_t indirect = 4096;    // indirect-buffer descriptors (all on the indirect pool at reset)
    uint32_t connections = 1024; // numbered queues, one per connection

    // Throws evr::input_error naming the offending fifo.* key when the sizes cannot be
    // built (zero classes or descriptors, or indices that would overflow 32 bits).
    void validate() const;
};

} // namespace evr
