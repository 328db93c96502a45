#include "evr/mem/sram.h"

#include <algorithm>
#include <cstring>

#include "evr/mem/frame_ext.h"

namespace evr::mem {

namespace {

// Timing follows the frame's original length when the initiator says what it is (a
// sliced capture holds fewer bytes than the wire carried).
std::uint64_t timed_bytes(tlm::tlm_generic_payload& p) {
    frame_ext* ext = nullptr;
    p.get_extension(ext);
    return ext ? std::max<std::uint64_t>(ext->orig_len, p.get_data_length()) : p.get_data_length();
}

} // namespace

sram::sram(sc_core::sc_module_name name, const core::clock_domain& clock, std::uint64_t size_bytes,
           std::uint32_t bytes_per_cycle, std::uint32_t latency_cycles,
           core::port_arbitration read_arbitration)
    : sc_module(name), write_in("write_in"), read_in("read_in"), m_clock(clock), m_data(size_bytes),
      m_write(bytes_per_cycle, latency_cycles), m_read(bytes_per_cycle, latency_cycles),
      m_read_arbitration(std::move(read_arbitration)), m_read_port("read_arbiter", clock.period()) {
    write_in.register_b_transport(this, &sram::write);
    write_in.register_transport_dbg(this, &sram::debug);
    read_in.register_b_transport(this, &sram::read);
    read_in.register_transport_dbg(this, &sram::debug_read_in);
}

void sram::end_of_elaboration() {
    m_read_request.assign(read_in.size(), nullptr);
    m_read_port.configure(
        std::string(name()) + ".read_in", read_in.size(), m_read_arbitration,
        [this](std::uint32_t r, core::cycle_t issue) { return serve_read(r, issue); });
}

bool sram::in_range(const tlm::tlm_generic_payload& p) const {
    return p.get_address() <= m_data.size() && p.get_data_length() <= m_data.size() &&
           p.get_address() + p.get_data_length() <= m_data.size();
}

bool sram::accept(tlm::tlm_generic_payload& p, tlm::tlm_command expected) const {
    if (p.get_command() != expected) {
        p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
        return false;
    }
    if (!in_range(p)) {
        p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return false;
    }
    return true;
}

void sram::write(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    if (!accept(p, tlm::TLM_WRITE_COMMAND))
        return;
    // One initiator: the port is booked in the order of its own writes, no arbiter.
    const core::cycle_t arrival = m_clock.to_cycles(sc_core::sc_time_stamp() + delay);
    const port_slot slot = m_write.reserve(arrival, timed_bytes(p));
    // The bytes move at once; the annotated delay says when they would have.
    std::memcpy(m_data.data() + p.get_address(), p.get_data_ptr(), p.get_data_length());
    delay += m_clock.duration(slot.complete - arrival);
    p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void sram::read(int id, tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
    if (!accept(p, tlm::TLM_READ_COMMAND))
        return;
    const auto r = static_cast<std::uint32_t>(id);
    m_read_request[r] = &p;
    m_read_port.transact(r, delay);
}

// At the grant phase of cycle `issue`: the port is free, the transfer starts now and the
// initiator resumes when the bytes are in.
core::arbitrated_port::served sram::serve_read(std::uint32_t requester, core::cycle_t issue) {
    tlm::tlm_generic_payload& p = *m_read_request[requester];
    const port_slot slot = m_read.reserve(issue, timed_bytes(p));
    std::memcpy(p.get_data_ptr(), m_data.data() + p.get_address(), p.get_data_length());
    p.set_response_status(tlm::TLM_OK_RESPONSE);
    return {slot.data_done, slot.complete};
}

unsigned int sram::debug(tlm::tlm_generic_payload& p) {
    if (!in_range(p))
        return 0;
    if (p.is_write())
        std::memcpy(m_data.data() + p.get_address(), p.get_data_ptr(), p.get_data_length());
    else
        std::memcpy(p.get_data_ptr(), m_data.data() + p.get_address(), p.get_data_length());
    return p.get_data_length();
}

} // namespace evr::mem
