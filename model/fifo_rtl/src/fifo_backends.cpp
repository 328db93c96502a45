// The back-end factory.
#include "evr/fifo_rtl/fifo_backends.h"

#include "evr/fifo_rtl/lockstep_fifo_backend.h"
#include "evr/fifo_rtl/rtl_fifo_backend.h"

namespace evr {

fifo_unit make_fifo_unit(config::fifo_backend kind, const fifo_params& params) {
    fifo_unit u;
    switch (kind) {
    case config::fifo_backend::rtl: {
        auto rtl = std::make_unique<rtl_fifo_backend>(params);
        u.status = std::make_unique<rtl_fifo_status>(*rtl);
        u.rtl = &rtl->model();
        u.backend = std::move(rtl);
        break;
    }
    case config::fifo_backend::lockstep: {
        auto ls = std::make_unique<lockstep_fifo_backend>(params);
        u.status = std::make_unique<lockstep_fifo_status>(*ls);
        u.reference = &ls->reference();
        u.rtl = &ls->rtl().model();
        u.backend = std::move(ls);
        break;
    }
    case config::fifo_backend::tlm: {
        auto tlm = std::make_unique<tlm_fifo_backend>(params);
        u.status = std::make_unique<ref_fifo_status>(tlm->ref());
        u.reference = &tlm->ref();
        u.backend = std::move(tlm);
        break;
    }
    }
    return u;
}

} // namespace evr
