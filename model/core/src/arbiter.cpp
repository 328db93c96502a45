#include "evr/core/arbiter.h"

#include <algorithm>
#include <stdexcept>

namespace evr::core {

const char* to_string(arbiter_policy p) {
    switch (p) {
    case arbiter_policy::round_robin:
        return "round_robin";
    case arbiter_policy::priority:
        return "priority";
    case arbiter_policy::call_order:
        return "call_order";
    }
    return "?";
}

arbiter::arbiter(std::string port, std::vector<std::string> requesters, arbiter_policy policy,
                 const std::vector<std::string>& order)
    : m_port(std::move(port)), m_names(std::move(requesters)), m_policy(policy),
      m_pending(m_names.size(), false), m_stamp(m_names.size(), 0), m_posted(m_names.size(), 0),
      m_stats(m_names.size()) {
    if (order.size() != m_names.size())
        throw std::invalid_argument(m_port + ": the order must name each of its " +
                                    std::to_string(m_names.size()) + " requesters once");
    for (const std::string& name : order) {
        const auto it = std::find(m_names.begin(), m_names.end(), name);
        if (it == m_names.end())
            throw std::invalid_argument(m_port + ": '" + name + "' is not one of its requesters");
        const auto index = static_cast<std::uint32_t>(it - m_names.begin());
        if (std::find(m_order.begin(), m_order.end(), index) != m_order.end())
            throw std::invalid_argument(m_port + ": '" + name + "' is named twice in the order");
        m_order.push_back(index);
    }
}

void arbiter::request(std::uint32_t requester, cycle_t cycle) {
    request(requester, cycle, m_sequence++);
}

void arbiter::request(std::uint32_t requester, cycle_t cycle, std::uint64_t sequence) {
    if (m_pending[requester])
        throw std::logic_error(m_port + ": " + m_names[requester] +
                               " requested again before its request was granted");
    m_pending[requester] = true;
    m_stamp[requester] = cycle;
    m_posted[requester] = sequence;
    ++m_pending_count;
    if (m_probe)
        m_probe->arbitration(m_wave_port, -1);
}

cycle_t arbiter::earliest() const {
    cycle_t best = ~cycle_t{0};
    for (std::uint32_t r = 0; r < m_pending.size(); ++r)
        if (m_pending[r] && m_stamp[r] < best)
            best = m_stamp[r];
    return best;
}

int arbiter::grant(cycle_t cycle) {
    return grant(cycle, cycle);
}

int arbiter::grant(cycle_t cycle, cycle_t now) {
    const auto n = static_cast<std::uint32_t>(m_order.size());
    int chosen = -1;
    if (m_policy == arbiter_policy::call_order) {
        for (std::uint32_t r = 0; r < n; ++r)
            if (m_pending[r] && m_stamp[r] <= cycle &&
                (chosen < 0 || m_posted[r] < m_posted[static_cast<std::uint32_t>(chosen)]))
                chosen = static_cast<int>(r);
    } else {
        const std::uint32_t first = m_policy == arbiter_policy::round_robin ? m_next : 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t pos = (first + i) % n;
            const std::uint32_t r = m_order[pos];
            if (m_pending[r] && m_stamp[r] <= cycle) {
                chosen = static_cast<int>(r);
                m_next = (pos + 1) % n;
                break;
            }
        }
    }
    if (chosen < 0)
        return -1;
    const auto r = static_cast<std::uint32_t>(chosen);
    m_pending[r] = false;
    --m_pending_count;
    arbiter_stats& s = m_stats[r];
    const std::uint64_t waited = now - m_stamp[r];
    ++s.grants;
    s.wait_cycles += waited;
    s.max_wait = std::max(s.max_wait, waited);
    if (m_probe)
        m_probe->arbitration(m_wave_port, chosen);
    return chosen;
}

std::unique_ptr<arbiter> make_arbiter(const std::string& port, std::size_t bound,
                                      const port_arbitration& how) {
    std::vector<std::string> names = how.requesters;
    if (names.empty())
        for (std::size_t i = 0; i < bound; ++i)
            names.push_back("initiator" + std::to_string(i));
    if (names.size() != bound)
        throw std::logic_error(port + ": " + std::to_string(bound) + " initiators bound, " +
                               std::to_string(names.size()) + " named");
    const std::vector<std::string>& order = how.order.empty() ? names : how.order;
    return std::make_unique<arbiter>(port, names, how.policy, order);
}

} // namespace evr::core
