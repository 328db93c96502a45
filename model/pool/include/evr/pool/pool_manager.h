// The pool manager makes the elastic FIFO elastic for real: at start-up it fills each
// size class's free pool with its share of the data store (ADD_FREE), then, whenever
// buffers are taken or returned (at most once per interval), it grows a class from the
// SRAM reserve when its free count falls below a threshold and gives buffers back to the
// reserve when the free count grows long. The data-store footprint follows the load.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/core/engine_base.h"
#include "evr/core/wake_event.h"
#include "evr/fifo/fifo_client.h"

namespace evr::pool {

struct pool_params {
    std::vector<std::uint32_t> classes; // buffer sizes, ascending
    std::vector<double> shares;         // of the non-reserve SRAM, per class
    std::uint64_t sram_bytes = 0;
    std::uint64_t reserve_bytes = 0;
    std::uint32_t grow_below = 16;
    std::uint32_t grow_step = 64;
    std::uint32_t shrink_above = 1024;
    std::uint32_t interval_cycles = 256;
};

// Normal-buffer descriptors the FIFO needs so the pool manager can never run out of them
// before it runs out of SRAM.
std::uint32_t descriptors_needed(const pool_params& p);

class pool_manager : public core::engine_base {
public:
    tlm_utils::simple_initiator_socket<pool_manager> fifo_out;

    SC_HAS_PROCESS(pool_manager);
    pool_manager(sc_core::sc_module_name name, const core::clock_domain& clock,
                 const pool_params& params, const fifo_queues& queues);

    // Notified when the start-up fill is done: traffic may begin.
    const sc_core::sc_event& ready() const { return m_ready; }
    bool is_ready() const { return m_is_ready; }
    // Something changed in the free pools (an allocation or a release).
    // Remembered while a visit is under way, so a change then is looked at next interval.
    void poke() {
        m_poked = true;
        m_poke.notify();
    }
    std::function<void()> on_grown; // buffers were added: a waiting store may retry

    std::uint64_t footprint_bytes() const { return m_footprint; }
    std::uint64_t high_water_footprint() const { return m_high_footprint; }
    std::uint64_t reserve_free_bytes() const;
    std::uint64_t grown() const { return m_grown; }
    std::uint64_t shrunk() const { return m_shrunk; }
    std::uint32_t initial_buffers(std::uint32_t cls) const { return m_initial[cls]; }

private:
    void run();
    void fill();
    void adjust(std::uint32_t cls, std::uint32_t free_count);
    bool take_reserve(std::uint32_t cls, std::uint32_t& addr);

    pool_params m_params;
    fifo_queues m_queues;
    fifo_client m_fifo;
    sc_core::sc_event m_ready;
    core::wake_event m_poke;
    bool m_is_ready = false;
    bool m_poked = false;
    std::vector<std::uint32_t> m_initial;
    std::uint64_t m_bump = 0;                           // next unused byte of the reserve region
    std::vector<std::vector<std::uint32_t>> m_returned; // per class: blocks given back
    std::uint64_t m_footprint = 0;
    std::uint64_t m_high_footprint = 0;
    std::uint64_t m_grown = 0;
    std::uint64_t m_shrunk = 0;
};

} // namespace evr::pool
