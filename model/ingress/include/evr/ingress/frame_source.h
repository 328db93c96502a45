// Where input frames come from: a capture file or the built-in workload. Streaming: one
// frame at a time, its bytes valid until the next call.
#pragma once

#include <cstdint>

namespace evr::ingress {

struct source_frame {
    std::uint64_t ts_ns = 0;
    std::uint32_t cap_len = 0;
    std::uint32_t orig_len = 0;
    const std::uint8_t* data = nullptr;
};

class frame_source {
public:
    virtual ~frame_source() = default;
    virtual bool next(source_frame& f) = 0;
};

} // namespace evr::ingress
