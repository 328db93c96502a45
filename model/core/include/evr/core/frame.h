// A frame inside the router: the bytes as captured plus what the engines learn about it.
// Slots are pooled so the steady state allocates nothing per frame.
#pragma once

#include <cstdint>
#include <vector>

#include "evr/core/cycles.h"
#include "evr/lookup/connection_table.h"
#include "evr/lookup/parsed_frame.h"

namespace evr::core {

// How a frame (or a copy) reached its VM.
enum class path_kind : std::uint8_t {
    direct,   // parser -> allocator -> send engine, straight from the receive buffer
    stored,   // no resources: store engine -> numbered queue -> local engine
    assisted, // special frame: store engine -> named queue -> assist engine -> local engine
};
const char* to_string(path_kind p);

struct frame_slot {
    std::uint64_t index = 0; // position in the input, from 0
    std::uint64_t ts_ns = 0; // input timestamp
    cycle_t arrival = 0;     // cycle the last byte entered the receive buffer
    std::uint32_t orig_len = 0;
    std::uint32_t cap_len = 0;
    std::vector<std::uint8_t> bytes; // cap_len valid bytes; capacity reused
    lookup::parsed_frame hdr;
    lookup::frame_class cls = lookup::frame_class::unknown;
    std::uint32_t conn = 0; // valid when cls == known
    // Engines still reading this frame out of the receive buffer (hol fan-out reads it
    // once per copy); the receive buffer space is freed when it reaches zero.
    std::uint32_t readers = 0;
};

class frame_pool {
public:
    explicit frame_pool(std::uint32_t max_frame_bytes) : m_max_frame_bytes(max_frame_bytes) {}
    frame_pool(const frame_pool&) = delete;
    frame_pool& operator=(const frame_pool&) = delete;
    ~frame_pool();

    frame_slot* get();
    void put(frame_slot* slot) { m_free.push_back(slot); }
    std::size_t allocated() const { return m_all.size(); }

private:
    std::uint32_t m_max_frame_bytes;
    std::vector<frame_slot*> m_free;
    std::vector<frame_slot*> m_all;
};

} // namespace evr::core
