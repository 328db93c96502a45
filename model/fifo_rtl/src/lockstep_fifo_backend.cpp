// Reference and RTL in lockstep.
#include "evr/fifo_rtl/lockstep_fifo_backend.h"

#include <cstdlib>
#include <sstream>

#include "evr/common/error.h"

namespace evr {

namespace {

// EVR_LOCKSTEP_FAULT_AT=N falsifies the RTL's N-th response, so the failure path (the
// message, exit 1, a waveform that ends at the divergence) can be tested end to end with
// the correct RTL (tb/wave). Unset, it costs one comparison per command.
uint64_t fault_at_from_env() {
    const char* v = std::getenv("EVR_LOCKSTEP_FAULT_AT");
    return v ? std::strtoull(v, nullptr, 10) : 0;
}

} // namespace

lockstep_fifo_backend::lockstep_fifo_backend(const fifo_params& params)
    : m_ref(params), m_rtl(params), m_fault_at(fault_at_from_env()) {}

lockstep_fifo_backend::lockstep_fifo_backend(const fifo_params& params,
                                             std::unique_ptr<rtl_model> model)
    : m_ref(params), m_rtl(params, std::move(model)), m_fault_at(fault_at_from_env()) {}

uint64_t lockstep_fifo_backend::execute(fifo_cmd& cmd, uint64_t issue_cycle) {
    fifo_cmd actual = cmd; // same operands; each back end fills its own response
    const uint64_t expected_cycle = m_ref.execute(cmd, issue_cycle);
    uint64_t actual_cycle = 0;
    try {
        actual_cycle = m_rtl.execute(actual, issue_cycle);
    } catch (const rtl_assertion_error& e) {
        const std::string msg =
            "lockstep: " + std::string(e.what()) + "; command " + to_string(cmd) + " (reference)";
        record_failure({"rtl_assertion", issue_cycle, to_string(cmd), to_string(cmd.rsp), "", msg});
        throw lockstep_mismatch(msg);
    }
    ++m_commands;
    if (m_commands == m_fault_at)
        actual.rsp.buffer ^= 1; // planted divergence (EVR_LOCKSTEP_FAULT_AT)
    if (cmd.rsp == actual.rsp && expected_cycle == actual_cycle)
        return expected_cycle;
    std::ostringstream os;
    os << "lockstep mismatch at cycle " << issue_cycle << ": " << to_string(cmd) << " | queue "
       << cmd.queue << " buffer " << cmd.buffer << " | expected (tlm) " << to_string(cmd.rsp)
       << " @" << expected_cycle << " | actual (rtl) " << to_string(actual.rsp) << " @"
       << actual_cycle;
    record_failure({"lockstep_mismatch", issue_cycle, to_string(cmd),
                    to_string(cmd.rsp) + " @" + std::to_string(expected_cycle),
                    to_string(actual.rsp) + " @" + std::to_string(actual_cycle), os.str()});
    throw lockstep_mismatch(os.str());
}

std::string lockstep_fifo_backend::compare_state() const {
    const elastic_fifo_ref& ref = m_ref.ref();
    const fifo_queues& q = ref.queues();
    for (uint32_t i = 0; i < q.count(); ++i) {
        uint32_t count = 0, hw = 0;
        m_rtl.debug_queue(i, count, hw);
        if (count != ref.queue_count(i) || hw != ref.high_water(i)) {
            std::ostringstream os;
            os << "lockstep state mismatch: queue " << i << ": expected (tlm) count "
               << ref.queue_count(i) << " hw " << ref.high_water(i) << ", actual (rtl) count "
               << count << " hw " << hw;
            return os.str();
        }
    }
    if (m_rtl.spare_count() != ref.spare_count())
        return "lockstep state mismatch: spare list: expected (tlm) " +
               std::to_string(ref.spare_count()) + ", actual (rtl) " +
               std::to_string(m_rtl.spare_count());
    return "";
}

std::string lockstep_fifo_status::check_invariants() const {
    std::string problem = ref_fifo_status::check_invariants();
    if (problem.empty())
        problem = m_ls.compare_state();
    return problem;
}

} // namespace evr
