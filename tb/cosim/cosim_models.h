// Verilations of rtl/evr_fifo.sv that only the co-simulation tests use (library
// evr_cosim_models); the product Verilation is evr::make_rtl_model_evr (evr_fifo_rtl).
#pragma once

#include <memory>

#include "evr/fifo_rtl/rtl_model.h"

namespace evr {

// Classes 2, Descriptors 12, Indirect 6, Connections 3: exhaustion everywhere, narrow
// widths.
std::unique_ptr<rtl_model> make_rtl_model_tiny(bool errors_expected);
// Classes 4, Descriptors 4096, Indirect 4096, Connections 1024: fifo_params' defaults.
std::unique_ptr<rtl_model> make_rtl_model_mid(bool errors_expected);
// tiny with the planted bug EVR_MUTANT_RR_STUCK (PICK never advances its pointer).
std::unique_ptr<rtl_model> make_rtl_model_mutant(bool errors_expected);

} // namespace evr
