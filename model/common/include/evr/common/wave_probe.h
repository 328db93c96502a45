// Waveform probe points (docs/waveforms.md). A component keeps a `wave_probe*` that is
// null unless a waveform is being written, so a probe point costs one pointer test when
// tracing is off. The probe reads what it traces through the component's own accessors,
// at the current simulated time: components report *that* something changed, not values.
#pragma once

#include <cstdint>

namespace evr {

// Which component a probe point belongs to.
enum class wave_unit : std::uint8_t {
    parser,
    store,
    assist,
    local,
    send,
    rx_buffer,
    allocator,
    fifo,
    vms,
};

inline constexpr std::uint32_t wave_none = 0xffffffffu;

class wave_probe {
public:
    virtual ~wave_probe() = default;
    // `unit` changed a traced value. `which` narrows it down: a connection (allocator),
    // the queue of a command (fifo), else wave_none.
    virtual void changed(wave_unit unit, std::uint32_t which) = 0;
    // The elastic FIFO executed a command: op code, issue and response cycle, queue.
    virtual void fifo_command(std::uint8_t op, std::uint64_t issue, std::uint64_t response,
                              std::uint32_t queue) = 0;
    // `unit` dropped a frame or one copy of it; `reason` is a core::drop_reason value.
    virtual void dropped(wave_unit unit, std::uint8_t reason, std::uint32_t conn) = 0;
};

} // namespace evr
