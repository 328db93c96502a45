// Sideband that travels with a host write: which frame the bytes are, for the outputs
// and the checker. Hardware has no such field; the model carries it for observability.
#pragma once

#include <cstdint>

#include <tlm>

#include "evr/core/frame.h"

namespace evr::mem {

struct frame_ext : tlm::tlm_extension<frame_ext> {
    std::uint64_t index = 0;
    std::uint32_t conn = 0;
    std::uint32_t orig_len = 0;
    core::path_kind path = core::path_kind::direct;

    tlm::tlm_extension_base* clone() const override { return new frame_ext(*this); }
    void copy_from(const tlm::tlm_extension_base& other) override {
        *this = static_cast<const frame_ext&>(other);
    }
};

} // namespace evr::mem
