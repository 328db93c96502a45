// Waveform probe points (docs/waveforms.md). A component keeps a probe_ref that is null
// unless a waveform is being written, so a probe point costs one pointer test when
// tracing is off (and nothing in a build configured with EVR_WAVES=OFF). The probe reads what it
// traces through the component's own accessors, at the current simulated time: components report
// *that* something changed, not values.
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

// The arbitrated shared ports (docs/timing.md, "Arbitration").
enum class wave_port : std::uint8_t {
    fifo,       // elastic FIFO command port
    sram_read,  // data-store SRAM read port
    allocator,  // allocator attempts
    host_write, // send engine's intake
};
inline constexpr unsigned wave_port_count = 4;

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
    // The arbiter of `port` took a request (granted < 0) or granted requester `granted`.
    virtual void arbitration(wave_port port, int granted) {
        (void)port;
        (void)granted;
    }
};

// Whether this build has waveform support (CMake option EVR_WAVES, default ON).
#ifndef EVR_WAVES
#define EVR_WAVES 1
#endif
inline constexpr bool waves_built = EVR_WAVES != 0;

// A component's probe pointer. With EVR_WAVES=OFF it is a constant null, so every probe
// point compiles away: the build that "tracing off" is measured against
// (docs/performance.md).
class probe_ref {
public:
    probe_ref& operator=(wave_probe* p) {
        if constexpr (waves_built)
            m_probe = p;
        return *this;
    }
    explicit operator bool() const {
        if constexpr (waves_built)
            return m_probe != nullptr;
        else
            return false;
    }
    wave_probe* operator->() const { return m_probe; }

private:
    wave_probe* m_probe = nullptr;
};

} // namespace evr
