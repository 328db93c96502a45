// Builds the elastic FIFO back end the configuration asks for (fifo.backend: tlm, rtl,
// lockstep) together with the view its statistics are read through.
#pragma once

#include <memory>

#include "evr/config/config.h"
#include "evr/fifo/fifo_backend.h"
#include "evr/fifo/fifo_params.h"
#include "evr/fifo_rtl/fifo_status.h"
#include "evr/fifo_rtl/rtl_model.h"

namespace evr {

struct fifo_unit {
    std::unique_ptr<fifo_backend> backend;
    std::unique_ptr<fifo_status> status; // refers into *backend
    // The C++ reference inside *backend (tlm, lockstep); nullptr under rtl, which has none.
    const elastic_fifo_ref* reference = nullptr;
    // The Verilated RTL inside *backend (rtl, lockstep), for its waveform; nullptr under tlm.
    rtl_model* rtl = nullptr;
};

// Throws evr::input_error when `params` exceed the RTL's capacity (rtl, lockstep).
fifo_unit make_fifo_unit(config::fifo_backend kind, const fifo_params& params);

} // namespace evr
