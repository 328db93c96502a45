// `--fifo rtl`: the elastic FIFO as Verilated SystemVerilog (rtl/evr_fifo.sv) behind a
// command-to-pin bridge. execute() drives the command pins, clocks the model until it
// raises rsp_valid_o and returns that cycle, measured on the pins.
//
// The model is clocked only while a command is in flight. Skipping the idle cycles in
// between is exact: with cmd_valid_i low and no command in flight the design writes no
// memory and no register changes (assertion IdleNoWrite_A; the FSM's defaults hold every
// register), and nothing in it counts time, so N idle cycles leave it exactly as zero do.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "evr/fifo/fifo_backend.h"
#include "evr/fifo/fifo_cmd.h"
#include "evr/fifo/fifo_params.h"
#include "evr/fifo_rtl/fifo_status.h"
#include "evr/fifo_rtl/rtl_model.h"

namespace evr {

// A SystemVerilog assertion of the RTL failed (its message is on stdout).
class rtl_assertion_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class rtl_fifo_backend : public fifo_backend {
public:
    // The product Verilation; throws evr::input_error naming the fifo.* key when `params`
    // exceed its capacity.
    explicit rtl_fifo_backend(const fifo_params& params);
    // Any Verilation (tests use several); same check against model->capacity().
    rtl_fifo_backend(const fifo_params& params, std::unique_ptr<rtl_model> model);

    // Throws std::logic_error when the port is still busy at `issue_cycle` or the RTL does
    // not answer within 8 cycles, rtl_assertion_error when an assertion fails.
    uint64_t execute(fifo_cmd& cmd, uint64_t issue_cycle) override;
    const char* name() const override { return "rtl"; }

    const fifo_params& params() const { return m_params; }
    rtl_model& model() { return *m_model; }
    // Clock cycles applied to the model for commands, and cycles skipped while idle.
    uint64_t clocked_cycles() const { return m_clocked; }
    uint64_t skipped_cycles() const { return m_skipped; }
    uint64_t init_cycles() const { return m_init_cycles; }

    // Debug side port reads (between commands only).
    uint32_t queue_count(uint32_t q) const;
    uint32_t high_water(uint32_t q) const;
    uint32_t spare_count() const { return m_model->debug_spare_count(); }
    void debug_queue(uint32_t q, uint32_t& count, uint32_t& high_water) const {
        m_model->debug_queue(q, count, high_water);
    }

private:
    void check_assertions(const fifo_cmd& cmd, uint64_t cycle) const;

    fifo_params m_params;
    std::unique_ptr<rtl_model> m_model;
    uint64_t m_port_free = 0; // first cycle at which the next command may issue
    uint64_t m_clocked = 0;
    uint64_t m_skipped = 0;
    uint64_t m_init_cycles = 0;
};

// Statistics of `--fifo rtl`, read from the RTL itself through the debug side port: list
// counts and high-water marks from its queue table, bound descriptors from its spare
// list. check_invariants() reports a failed RTL assertion (the RTL checks its invariants
// on every cycle it runs); check_drained() checks buffer conservation on the RTL's counts.
class rtl_fifo_status : public fifo_status {
public:
    explicit rtl_fifo_status(const rtl_fifo_backend& rtl) : m_rtl(rtl), m_queues(rtl.params()) {}
    const fifo_params& params() const override { return m_rtl.params(); }
    uint32_t free_count(uint32_t cls) const override {
        return m_rtl.queue_count(m_queues.free_pool(cls));
    }
    uint32_t indirect_free_count() const override {
        return m_rtl.queue_count(m_queues.indirect_pool());
    }
    uint32_t queue_count(uint32_t q) const override { return m_rtl.queue_count(q); }
    uint32_t high_water(uint32_t q) const override { return m_rtl.high_water(q); }
    uint32_t live_normal() const override {
        return m_rtl.params().descriptors - m_rtl.spare_count();
    }
    // Sums of the queue table's counts, one debug read per queue.
    uint64_t queued_numbered() const override;
    uint64_t queued_special() const override;
    std::string check_invariants() const override;
    std::string check_drained() const override;

private:
    const rtl_fifo_backend& m_rtl;
    fifo_queues m_queues;
};

} // namespace evr
