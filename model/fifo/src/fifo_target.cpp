// Timing of the elastic FIFO command port.
#include "evr/fifo/fifo_target.h"

#include <cstdint>
#include <sstream>
#include <stdexcept>

namespace evr {

fifo_target::fifo_target(const sc_core::sc_module_name& name, const sc_core::sc_time& clock_period,
                         fifo_backend& backend)
    : sc_core::sc_module(name), cmd_in("cmd_in"), m_period(clock_period), m_backend(backend) {
    if (m_period == sc_core::SC_ZERO_TIME)
        throw std::invalid_argument(std::string(this->name()) + ": clock period must not be 0");
    cmd_in.register_b_transport(this, &fifo_target::b_transport);
}

uint64_t fifo_target::to_cycle(const sc_core::sc_time& t) const {
    // Integer arithmetic on the time resolution: a division of doubles could hide a
    // fraction of a cycle.
    const uint64_t value = t.value();
    const uint64_t period = m_period.value();
    if (value % period != 0) {
        std::ostringstream os;
        os << name() << ": request arrives at " << t << ", not a whole number of " << m_period
           << " cycles (every action happens on a clock edge)";
        throw std::logic_error(os.str());
    }
    return value / period;
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

void fifo_target::b_transport(int /*initiator*/, tlm::tlm_generic_payload& payload,
                              sc_core::sc_time& delay) {
    if (!check_payload(payload))
        return; // a malformed payload has no timing and no effect
    fifo_cmd& cmd = *reinterpret_cast<fifo_cmd*>(payload.get_data_ptr());

    const uint64_t arrival = to_cycle(sc_core::sc_time_stamp() + delay);
    if (arrival < m_last_arrival) {
        // Requests are served in call order; a call that arrives earlier than one already
        // served means an initiator ran ahead of time (temporal decoupling), and the
        // hardware order would differ. That would silently break cycle accuracy.
        std::ostringstream os;
        os << name() << ": " << to_string(cmd.op) << " arrives at cycle " << arrival
           << " after a request that arrived at cycle " << m_last_arrival
           << ": an initiator ran ahead; wait() for the annotated delay before the next command";
        throw std::logic_error(os.str());
    }
    m_last_arrival = arrival;

    const uint64_t issue = arrival > m_port_free ? arrival : m_port_free;
    const uint64_t response = m_backend.execute(cmd, issue);
    if (response <= issue) {
        std::ostringstream os;
        os << name() << ": back end " << m_backend.name() << " answered " << to_string(cmd)
           << " issued at cycle " << issue << " at cycle " << response;
        throw std::logic_error(os.str());
    }
    m_port_free = response;
    ++m_commands;
    m_wait_cycles += issue - arrival;
    m_busy_cycles += response - issue;
    // Integer time again: whole cycles must stay exactly whole.
    delay += sc_core::sc_time::from_value((response - arrival) * m_period.value());
    if (m_probe)
        m_probe->fifo_command(static_cast<uint8_t>(cmd.op), issue, response, cmd.queue);

    if (cmd.rsp.result == fifo_result::error) {
        // A protocol error is a bug in the calling engine, never a traffic condition.
        std::ostringstream os;
        os << name() << ": elastic FIFO protocol error at cycle " << issue << " ("
           << m_backend.name() << " back end): " << to_string(cmd);
        throw std::logic_error(os.str());
    }
}

} // namespace evr
