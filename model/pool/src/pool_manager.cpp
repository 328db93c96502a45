#include "evr/pool/pool_manager.h"

#include <algorithm>

namespace evr::pool {

namespace {

std::uint64_t region_bytes(const pool_params& p) {
    return p.sram_bytes - p.reserve_bytes;
}

std::uint32_t initial_count(const pool_params& p, std::size_t c) {
    return static_cast<std::uint32_t>(static_cast<double>(region_bytes(p)) * p.shares[c] /
                                      p.classes[c]);
}

} // namespace

std::uint32_t descriptors_needed(const pool_params& p) {
    std::uint64_t n = 0;
    for (std::size_t c = 0; c < p.classes.size(); ++c)
        n += initial_count(p, c) + p.reserve_bytes / p.classes[c];
    return static_cast<std::uint32_t>(std::max<std::uint64_t>(n, 1));
}

pool_manager::pool_manager(sc_core::sc_module_name name, const core::clock_domain& clock,
                           const pool_params& params, const fifo_queues& queues)
    : engine_base(name, clock), fifo_out("fifo_out"), m_params(params), m_queues(queues),
      m_fifo(fifo_out), m_initial(params.classes.size(), 0), m_returned(params.classes.size()) {
    SC_THREAD(run);
}

std::uint64_t pool_manager::reserve_free_bytes() const {
    std::uint64_t free = m_params.reserve_bytes - m_bump;
    for (std::size_t c = 0; c < m_returned.size(); ++c)
        free += m_returned[c].size() * m_params.classes[c];
    return free;
}

// Start-up: each class gets its share of the non-reserve region, laid out in order.
void pool_manager::fill() {
    std::uint64_t addr = 0;
    for (std::uint32_t c = 0; c < m_params.classes.size(); ++c) {
        const std::uint32_t n = initial_count(m_params, c);
        for (std::uint32_t i = 0; i < n; ++i) {
            const fifo_cmd& add = m_fifo.add_free(c, static_cast<std::uint32_t>(addr));
            if (add.rsp.result != fifo_result::ok)
                SC_REPORT_FATAL(name(), "elastic FIFO has fewer descriptors than buffers");
            addr += m_params.classes[c];
            ++m_initial[c];
        }
    }
    m_footprint = addr;
    m_high_footprint = addr;
}

bool pool_manager::take_reserve(std::uint32_t cls, std::uint32_t& addr) {
    if (!m_returned[cls].empty()) {
        addr = m_returned[cls].back();
        m_returned[cls].pop_back();
        return true;
    }
    if (m_bump + m_params.classes[cls] > m_params.reserve_bytes)
        return false;
    addr = static_cast<std::uint32_t>(region_bytes(m_params) + m_bump);
    m_bump += m_params.classes[cls];
    return true;
}

void pool_manager::adjust(std::uint32_t cls, std::uint32_t free_count) {
    const std::uint32_t size = m_params.classes[cls];
    if (free_count < m_params.grow_below) {
        std::uint32_t added = 0;
        std::uint32_t addr = 0;
        while (added < m_params.grow_step && take_reserve(cls, addr)) {
            const fifo_cmd& add = m_fifo.add_free(cls, addr);
            if (add.rsp.result != fifo_result::ok) {
                m_returned[cls].push_back(addr);
                break;
            }
            ++added;
            m_footprint += size;
        }
        m_grown += added;
        m_high_footprint = std::max(m_high_footprint, m_footprint);
        if (added && on_grown)
            on_grown();
    } else if (free_count > m_params.shrink_above) {
        for (std::uint32_t n = free_count - m_params.shrink_above; n > 0; --n) {
            const fifo_cmd& rem = m_fifo.remove_free(cls);
            if (rem.rsp.result != fifo_result::ok)
                break;
            m_returned[cls].push_back(rem.rsp.addr);
            m_footprint -= size;
            ++m_shrunk;
        }
    }
}

void pool_manager::run() {
    fill();
    m_is_ready = true;
    m_ready.notify(sc_core::SC_ZERO_TIME);
    core::cycle_t last = m_clock.now();
    for (;;) {
        while (!m_poked)
            m_poke.wait();
        m_poked = false;
        // Look at most once per interval: the pools change on every frame.
        const core::cycle_t next = last + m_params.interval_cycles;
        if (m_clock.now() < next) {
            wait(m_clock.until(next));
            core::delta_jitter();
        }
        last = m_clock.now();
        for (std::uint32_t c = 0; c < m_params.classes.size(); ++c) {
            const fifo_cmd& st = m_fifo.status(m_queues.free_pool(c));
            adjust(c, st.rsp.count);
        }
    }
}

} // namespace evr::pool
