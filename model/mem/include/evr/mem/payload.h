// Fills a reused TLM payload for a plain memory access (no byte enables, one stream).
#pragma once

#include <cstdint>

#include <tlm>

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

namespace evr::mem {

// Reads bytes through a socket's debug transport: no simulated time, no port occupancy.
// Used only to show dropped frames that never leave the data store in dropped.pcap.
// `p` is the caller's reused payload without extensions: a payload built per call
// allocates its extension array, and a broadcast storm drops millions of copies.
template <typename Socket>
void debug_read(Socket& socket, tlm::tlm_generic_payload& p, std::uint64_t addr, std::uint8_t* data,
                std::uint32_t len) {
    prepare(p, tlm::TLM_READ_COMMAND, addr, data, len);
    socket->transport_dbg(p);
}

} // namespace evr::mem
