// `--fifo lockstep`: every command runs on the C++ reference and on the RTL; the full
// response (fifo_rsp, operator==) and the response cycle must agree. The first divergence
// throws lockstep_mismatch with one line: cycle, command, queue, buffer, expected (the
// reference) and actual (the RTL). The reference's response is the one the caller sees.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "evr/fifo/fifo_backend.h"
#include "evr/fifo_rtl/fifo_status.h"
#include "evr/fifo_rtl/rtl_fifo_backend.h"

namespace evr {

class lockstep_mismatch : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class lockstep_fifo_backend : public fifo_backend {
public:
    // Reference and the product Verilation.
    explicit lockstep_fifo_backend(const fifo_params& params);
    // Reference and any Verilation.
    lockstep_fifo_backend(const fifo_params& params, std::unique_ptr<rtl_model> model);

    uint64_t execute(fifo_cmd& cmd, uint64_t issue_cycle) override;
    const char* name() const override { return "lockstep"; }

    // Compares every queue's count and high-water mark and the spare-list length of the
    // RTL (debug side port) with the reference: state the responses only show through
    // STATUS. "" when equal, else the first difference. Between commands only.
    std::string compare_state() const;

    elastic_fifo_ref& reference() { return m_ref.ref(); }
    const elastic_fifo_ref& reference() const { return m_ref.ref(); }
    rtl_fifo_backend& rtl() { return m_rtl; }
    uint64_t commands() const { return m_commands; }

private:
    tlm_fifo_backend m_ref;
    rtl_fifo_backend m_rtl;
    uint64_t m_commands = 0;
    uint64_t m_fault_at = 0; // EVR_LOCKSTEP_FAULT_AT: falsify this command's RTL response
};

// Statistics of `--fifo lockstep`: the reference's, which every response has been checked
// against; check_invariants() adds the end-of-run comparison of the RTL's queue table.
class lockstep_fifo_status : public ref_fifo_status {
public:
    explicit lockstep_fifo_status(const lockstep_fifo_backend& ls)
        : ref_fifo_status(ls.reference()), m_ls(ls) {}
    std::string check_invariants() const override;

private:
    const lockstep_fifo_backend& m_ls;
};

} // namespace evr
