// Fills a reused TLM payload for a plain memory access (no byte enables, one stream).
#pragma once

#include <tlm>

#include <cstdint>

namespace evr::mem {

inline void prepare(tlm::tlm_generic_payload& p, tlm::tlm_command cmd, std::uint64_t addr,
                    std::uint8_t* data, std::uint32_t len) {
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(len);
    p.set_byte_enable_ptr(nullptr);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
}

} // namespace evr::mem
