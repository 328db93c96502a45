// Timing of the elastic FIFO command port.
#include "evr/fifo/fifo_target.h"

#include <cstdint>
#include <sstream>
#include <stdexcept>

namespace evr {

fifo_target::fifo_target(const sc_core::sc_module_name& name, const sc_core::sc_time& clock_period,
                         fifo_backend& backend, port_arbitration arb)
    : sc_core::sc_module(name), cmd_in("cmd_in"), m_period(clock_period), m_backend(backend),
      m_arbitration(std::move(arb)), m_port("arbiter", clock_period) {
    if (m_period == sc_core::SC_ZERO_TIME)
        throw std::invalid_argument(std::string(this->name()) + ": clock period must not be 0");
    cmd_in.register_b_transport(this, &fifo_target::b_transport);
}

void fifo_target::end_of_elaboration() {
    m_request.assign(cmd_in.size(), nullptr);
    m_error.assign(cmd_in.size(), std::string());
    m_port.configure(std::string(name()) + ".cmd_in", cmd_in.size(), m_arbitration,
                     [this](std::uint32_t r, core::cycle_t issue) { return serve(r, issue); });
}

bool fifo_target::check_payload(tlm::tlm_generic_payload& p) {
    tlm::tlm_response_status status = tlm::TLM_OK_RESPONSE;
    const unsigned char* data = p.get_data_ptr();
    if (p.get_command() != tlm::TLM_WRITE_COMMAND)
        status = tlm::TLM_COMMAND_ERROR_RESPONSE;
    else if (p.get_address() != 0)
        status = tlm::TLM_ADDRESS_ERROR_RESPONSE;
    else if (data == nullptr || reinterpret_cast<uintptr_t>(data) % alignof(fifo_cmd) != 0)
        status = tlm::TLM_GENERIC_ERROR_RESPONSE;
    else if (p.get_data_length() != sizeof(fifo_cmd) || p.get_streaming_width() != sizeof(fifo_cmd))
        status = tlm::TLM_BURST_ERROR_RESPONSE;
    else if (p.get_byte_enable_ptr() != nullptr)
        status = tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE;
    else if (!is_valid(reinterpret_cast<const fifo_cmd*>(data)->op))
        status = tlm::TLM_COMMAND_ERROR_RESPONSE;
    p.set_response_status(status);
    return status == tlm::TLM_OK_RESPONSE;
}

void fifo_target::b_transport(int initiator, tlm::tlm_generic_payload& payload,
                              sc_core::sc_time& delay) {
    if (!check_payload(payload))
        return; // a malformed payload has no timing and no effect
    fifo_cmd& cmd = *reinterpret_cast<fifo_cmd*>(payload.get_data_ptr());
    const auto r = static_cast<std::uint32_t>(initiator);
    m_request[r] = &cmd;
    // The target synchronises: the request enters arbitration in the cycle it is made.
    m_port.transact(r, delay);
    if (!m_error[r].empty()) {
        const std::string text = std::move(m_error[r]);
        m_error[r].clear();
        throw std::logic_error(text);
    }
}

uint64_t fifo_target::wait_cycles() const {
    uint64_t sum = 0;
    for (std::uint32_t r = 0; r < m_request.size(); ++r)
        sum += m_port.arb().stats(r).wait_cycles;
    return sum;
}

// At the grant phase of cycle `issue`: the command runs, the port is busy until its
// response.
core::arbitrated_port::served fifo_target::serve(std::uint32_t requester, uint64_t issue) {
    fifo_cmd& cmd = *m_request[requester];
    const uint64_t response = m_backend.execute(cmd, issue);
    if (response <= issue) {
        std::ostringstream os;
        os << name() << ": back end " << m_backend.name() << " answered " << to_string(cmd)
           << " issued at cycle " << issue << " at cycle " << response;
        throw std::logic_error(os.str());
    }
    m_port_free = response;
    ++m_commands;
    m_busy_cycles += response - issue;
    if (m_probe)
        m_probe->fifo_command(static_cast<uint8_t>(cmd.op), issue, response, cmd.queue);

    if (cmd.rsp.result == fifo_result::error) {
        // A protocol error is a bug in the calling engine, never a traffic condition; it
        // is thrown in that engine's process when its answer is due (b_transport).
        std::ostringstream os;
        os << name() << ": elastic FIFO protocol error at cycle " << issue << " ("
           << m_backend.name() << " back end): " << to_string(cmd);
        m_error[requester] = os.str();
    }
    return {response, response};
}

} // namespace evr
