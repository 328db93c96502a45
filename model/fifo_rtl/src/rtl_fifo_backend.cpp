// The command-to-pin bridge of the RTL elastic FIFO.
#include "evr/fifo_rtl/rtl_fifo_backend.h"

#include <sstream>

#include "evr/common/error.h"

namespace evr {

namespace {

// Longest contract latency is 3; anything beyond this is an RTL that never answers.
constexpr unsigned response_timeout = 8;

void check_capacity(const fifo_params& p, const rtl_model& model) {
    p.validate();
    const fifo_params& cap = model.capacity();
    auto over = [&](const char* key, uint32_t value, uint32_t limit) {
        if (value > limit)
            throw input_error(std::string(key) + ": " + std::to_string(value) +
                              " exceeds the RTL elastic FIFO's capacity of " +
                              std::to_string(limit) + " (Verilation '" + model.variant() +
                              "', docs/rtl_fifo.md)");
    };
    over("fifo.buffer_classes", p.classes, cap.classes);
    over("fifo.descriptors", p.descriptors, cap.descriptors);
    over("fifo.indirect_buffers", p.indirect, cap.indirect);
    over("fifo.max_connections", p.connections, cap.connections);
}

} // namespace

rtl_fifo_backend::rtl_fifo_backend(const fifo_params& params)
    : rtl_fifo_backend(params, make_rtl_model_evr(false)) {}

rtl_fifo_backend::rtl_fifo_backend(const fifo_params& params, std::unique_ptr<rtl_model> model)
    : m_params(params), m_model(std::move(model)) {
    check_capacity(m_params, *m_model);
    // Reset happens before cycle 0: the contract's reset state is where the walk ends.
    m_init_cycles = m_model->reset(m_params);
    if (m_model->assertion_failed())
        throw rtl_assertion_error(std::string("rtl: an assertion failed during reset of "
                                              "Verilation '") +
                                  m_model->variant() + "' (message above)");
}

void rtl_fifo_backend::check_assertions(const fifo_cmd& cmd, uint64_t cycle) const {
    if (!m_model->assertion_failed())
        return;
    std::ostringstream os;
    os << "rtl: SystemVerilog assertion failed at cycle " << cycle << " during "
       << to_string(cmd.op) << " (Verilation '" << m_model->variant()
       << "'; the %Error line on stdout names it)";
    record_failure({"rtl_assertion", cycle, to_string(cmd), "", "", os.str()});
    throw rtl_assertion_error(os.str());
}

uint64_t rtl_fifo_backend::execute(fifo_cmd& cmd, uint64_t issue_cycle) {
    if (issue_cycle < m_port_free || !m_model->cmd_ready()) {
        std::ostringstream os;
        os << "rtl: " << to_string(cmd.op) << " issued at cycle " << issue_cycle
           << " while the command port is busy until cycle " << m_port_free;
        throw std::logic_error(os.str());
    }
    m_skipped += issue_cycle - m_port_free;
    // cmd_valid_i is high for the issue cycle only: the RTL latches what it needs on the
    // first rising edge.
    m_model->set_cycle(issue_cycle);
    m_model->drive_command(cmd, true);
    uint64_t cycle = issue_cycle;
    for (unsigned n = 1;; ++n) {
        m_model->tick(n == 1);
        ++cycle;
        check_assertions(cmd, cycle);
        if (m_model->rsp_valid())
            break;
        if (n == response_timeout) {
            std::ostringstream os;
            os << "rtl: " << to_string(cmd.op) << " issued at cycle " << issue_cycle
               << " got no response within " << response_timeout << " cycles";
            throw std::logic_error(os.str());
        }
    }
    m_clocked += cycle - issue_cycle;
    m_model->sample_response(cmd.rsp);
    m_port_free = cycle;
    return cycle;
}

uint32_t rtl_fifo_backend::queue_count(uint32_t q) const {
    uint32_t count = 0, hw = 0;
    debug_queue(q, count, hw);
    return count;
}

uint32_t rtl_fifo_backend::high_water(uint32_t q) const {
    uint32_t count = 0, hw = 0;
    debug_queue(q, count, hw);
    return hw;
}

uint64_t rtl_fifo_status::queued_numbered() const {
    uint64_t n = 0;
    for (uint32_t k = 0; k < m_queues.connections; ++k)
        n += m_rtl.queue_count(m_queues.numbered(k));
    return n;
}

uint64_t rtl_fifo_status::queued_special() const {
    uint64_t n = 0;
    for (uint32_t s = 0; s < fifo_special_count; ++s)
        n += m_rtl.queue_count(m_queues.special(static_cast<fifo_special>(s)));
    return n;
}

std::string rtl_fifo_status::check_invariants() const {
    // The RTL checks its invariants with assertions on every cycle it runs and a failure
    // stops the run, so reaching here means they held. What remains checkable from
    // outside: list counts within bounds and high-water marks at or above them.
    const fifo_queues& q = m_queues;
    const fifo_params& p = m_rtl.params();
    uint64_t listed = m_rtl.spare_count();
    for (uint32_t i = 0; i < q.count(); ++i) {
        uint32_t count = 0, hw = 0;
        m_rtl.debug_queue(i, count, hw);
        if (hw < count)
            return "rtl queue " + std::to_string(i) + ": high-water " + std::to_string(hw) +
                   " below count " + std::to_string(count);
        listed += count;
    }
    if (listed > uint64_t{p.descriptors} + p.indirect)
        return "rtl lists hold " + std::to_string(listed) + " descriptors, more than the " +
               std::to_string(uint64_t{p.descriptors} + p.indirect) + " that exist";
    return "";
}

std::string rtl_fifo_status::check_drained() const {
    std::string problem = check_invariants();
    if (!problem.empty())
        return problem;
    const fifo_params& p = m_rtl.params();
    uint64_t pooled = 0;
    for (uint32_t c = 0; c < p.classes; ++c)
        pooled += free_count(c);
    if (pooled != live_normal())
        return "rtl: " + std::to_string(live_normal()) + " normal buffers bound but " +
               std::to_string(pooled) + " on the free pools";
    if (indirect_free_count() != p.indirect)
        return "rtl: " + std::to_string(p.indirect - indirect_free_count()) + " of " +
               std::to_string(p.indirect) + " indirect buffers not on the indirect pool";
    return "";
}

} // namespace evr
