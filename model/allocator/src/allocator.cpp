#include "evr/allocator/allocator.h"

namespace evr::allocator {

allocator::allocator(sc_core::sc_module_name name, const core::clock_domain& clock,
                     const std::vector<vm_ring>& rings, std::uint32_t host_credits,
                     std::uint32_t latency_cycles, core::port_arbitration arbitration)
    : sc_module(name), m_rings(rings), m_posted(rings.size()), m_stored(rings.size(), 0),
      m_exclusive(rings.size(), false), m_credits_total(host_credits), m_credits(host_credits),
      m_latency(latency_cycles), m_returned_flag(rings.size(), false),
      m_watched(rings.size(), false), m_clock(clock), m_port("arbiter", clock.period()) {
    for (std::size_t k = 0; k < rings.size(); ++k)
        m_posted[k] = rings[k].entries;
    if (arbitration.requesters.empty())
        arbitration.requesters = {"parser", "local"};
    m_port.configure(std::string(this->name()) + ".arbiter", 2, arbitration,
                     [this](std::uint32_t who, core::cycle_t issue) { return serve(who, issue); });
}

grant allocator::request(requester who, std::uint32_t conn, std::uint32_t orig_len) {
    const auto r = static_cast<std::uint32_t>(who);
    m_attempt[r] = {conn, orig_len, grant::ok};
    // Decided in the attempt's last cycle, after every engine of that edge has run.
    sc_core::sc_time delay = m_clock.duration(m_latency > 1 ? m_latency - 1 : 0);
    m_port.transact(r, delay);
    return m_attempt[r].result;
}

// At the grant phase: the attempt is decided on the state every engine left on this edge.
// The allocator has no occupancy: every pending attempt can be granted in one cycle, in
// the policy's order.
core::arbitrated_port::served allocator::serve(std::uint32_t who, core::cycle_t issue) {
    attempt& a = m_attempt[who];
    a.returns_seen = m_returns;
    a.result = who == static_cast<std::uint32_t>(requester::parser) ? try_direct(a.conn, a.orig_len)
                                                                    : try_local(a.conn, a.orig_len);
    return {issue, issue + 1};
}

std::uint32_t allocator::buffers_needed(std::uint32_t conn, std::uint32_t orig_len) const {
    const std::uint32_t size = m_rings[conn].buffer_bytes;
    const std::uint32_t n = (orig_len + size - 1) / size;
    return n ? n : 1;
}

grant allocator::take(std::uint32_t conn, std::uint32_t orig_len) {
    const std::uint32_t need = buffers_needed(conn, orig_len);
    if (m_posted[conn] < need)
        return grant::no_resources;
    if (m_credits == 0)
        return grant::no_credit;
    m_posted[conn] -= need;
    --m_credits;
    probe(conn);
    return grant::ok;
}

grant allocator::try_direct(std::uint32_t conn, std::uint32_t orig_len) {
    if (m_stored[conn] != 0 || m_exclusive[conn])
        return grant::blocked;
    return take(conn, orig_len);
}

grant allocator::try_local(std::uint32_t conn, std::uint32_t orig_len) {
    return take(conn, orig_len);
}

void allocator::return_credit() {
    ++m_credits;
    ++m_returns;
    probe(wave_none);
    m_credit_returned = true;
    m_returned.notify();
    if (m_watch_credits) {
        m_watched_news = true;
        m_watched_event.notify();
    }
}

void allocator::repost(std::uint32_t conn, std::uint32_t buffers) {
    m_posted[conn] += buffers;
    ++m_returns;
    probe(conn);
    // Listed once until taken: the list stays bounded by the connections even when
    // nobody takes it for a long time (the local engine only does when it cares).
    if (!m_returned_flag[conn]) {
        m_returned_flag[conn] = true;
        m_returned_conns.push_back(conn);
    }
    m_returned.notify();
    if (m_watched[conn]) {
        m_watched_news = true;
        m_watched_event.notify();
    }
}

bool allocator::take_returned(std::vector<std::uint32_t>& conns) {
    conns.swap(m_returned_conns);
    m_returned_conns.clear();
    for (std::uint32_t k : conns)
        m_returned_flag[k] = false;
    const bool credit = m_credit_returned;
    m_credit_returned = false;
    m_watched_news = false;
    return credit;
}

} // namespace evr::allocator
