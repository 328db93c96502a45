// What the router's statistics and end-of-run checks read from the elastic FIFO, whichever
// back end executes the commands: the reference's own bookkeeping (tlm, lockstep) or the
// RTL's queue table read through its debug side port (rtl). Never a second model run on
// the side: under `--fifo rtl` every number comes from the RTL.
#pragma once

#include <cstdint>
#include <string>

#include "evr/fifo/elastic_fifo_ref.h"

namespace evr {

class fifo_status {
public:
    virtual ~fifo_status() = default;
    virtual const fifo_params& params() const = 0;
    virtual uint32_t free_count(uint32_t cls) const = 0;
    virtual uint32_t indirect_free_count() const = 0;
    virtual uint32_t queue_count(uint32_t q) const = 0;
    virtual uint32_t high_water(uint32_t q) const = 0;
    virtual uint32_t live_normal() const = 0;     // normal descriptors bound to SRAM
    virtual uint64_t queued_numbered() const = 0; // buffers on numbered queues
    virtual uint64_t queued_special() const = 0;  // buffers on special queues
    // "" when consistent, else the first problem found.
    virtual std::string check_invariants() const = 0;
    // Buffer conservation at the end of a run: "" when every buffer is back on its pool.
    virtual std::string check_drained() const = 0;
};

// The C++ reference's view (tlm and lockstep back ends).
class ref_fifo_status : public fifo_status {
public:
    explicit ref_fifo_status(const elastic_fifo_ref& ref) : m_ref(ref) {}
    const fifo_params& params() const override { return m_ref.params(); }
    uint32_t free_count(uint32_t cls) const override { return m_ref.free_count(cls); }
    uint32_t indirect_free_count() const override { return m_ref.indirect_free_count(); }
    uint32_t queue_count(uint32_t q) const override { return m_ref.queue_count(q); }
    uint32_t high_water(uint32_t q) const override { return m_ref.high_water(q); }
    uint32_t live_normal() const override { return m_ref.live_normal(); }
    uint64_t queued_numbered() const override { return m_ref.queued_numbered(); }
    uint64_t queued_special() const override { return m_ref.queued_special(); }
    std::string check_invariants() const override { return m_ref.check_invariants(); }
    std::string check_drained() const override { return m_ref.check_drained(); }

private:
    const elastic_fifo_ref& m_ref;
};

} // namespace evr
