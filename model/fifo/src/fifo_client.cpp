// The initiator-side helper of the elastic FIFO command port.
#include "evr/fifo/fifo_client.h"

#include <stdexcept>
#include <string>

namespace evr {

fifo_client::fifo_client(tlm::tlm_initiator_socket<>& socket) : m_socket(socket) {
    m_payload.set_data_ptr(reinterpret_cast<unsigned char*>(&m_cmd));
}

const fifo_cmd& fifo_client::transport(sc_core::sc_time& delay) {
    // Every attribute is set again: a target may legally have changed the address or
    // the response status of the previous transaction.
    m_payload.set_command(tlm::TLM_WRITE_COMMAND);
    m_payload.set_address(0);
    m_payload.set_data_ptr(reinterpret_cast<unsigned char*>(&m_cmd));
    m_payload.set_data_length(sizeof(fifo_cmd));
    m_payload.set_streaming_width(sizeof(fifo_cmd));
    m_payload.set_byte_enable_ptr(nullptr);
    m_payload.set_byte_enable_length(0);
    m_payload.set_dmi_allowed(false);
    m_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    m_cmd.rsp = fifo_rsp{};
    m_socket->b_transport(m_payload, delay);
    if (!m_payload.is_response_ok())
        throw std::logic_error(std::string(m_socket.name()) + ": elastic FIFO transport of " +
                               to_string(m_cmd.op) + " failed: " + m_payload.get_response_string());
    return m_cmd;
}

const fifo_cmd& fifo_client::execute(const fifo_cmd& cmd, sc_core::sc_time& delay) {
    m_cmd = cmd;
    return transport(delay);
}

const fifo_cmd& fifo_client::alloc(uint32_t cls, sc_core::sc_time& delay) {
    return execute(fifo_cmd::alloc(cls), delay);
}

const fifo_cmd& fifo_client::enqueue(uint32_t queue, uint32_t buffer, uint32_t len, uint32_t tag,
                                     sc_core::sc_time& delay) {
    return execute(fifo_cmd::enqueue(queue, buffer, len, tag), delay);
}

const fifo_cmd& fifo_client::dequeue(uint32_t queue, sc_core::sc_time& delay) {
    return execute(fifo_cmd::dequeue(queue), delay);
}

const fifo_cmd& fifo_client::release(uint32_t buffer, sc_core::sc_time& delay) {
    return execute(fifo_cmd::release(buffer), delay);
}

const fifo_cmd& fifo_client::link(uint32_t queue, uint32_t normal, sc_core::sc_time& delay) {
    return execute(fifo_cmd::link(queue, normal), delay);
}

const fifo_cmd& fifo_client::add_free(uint32_t cls, uint32_t addr, sc_core::sc_time& delay) {
    return execute(fifo_cmd::add_free(cls, addr), delay);
}

const fifo_cmd& fifo_client::remove_free(uint32_t cls, sc_core::sc_time& delay) {
    return execute(fifo_cmd::remove_free(cls), delay);
}

const fifo_cmd& fifo_client::pick(sc_core::sc_time& delay) {
    return execute(fifo_cmd::pick(), delay);
}

const fifo_cmd& fifo_client::mask(uint32_t connection, bool masked, sc_core::sc_time& delay) {
    return execute(fifo_cmd::mask(connection, masked), delay);
}

const fifo_cmd& fifo_client::status(uint32_t queue, sc_core::sc_time& delay) {
    return execute(fifo_cmd::status(queue), delay);
}

} // namespace evr
