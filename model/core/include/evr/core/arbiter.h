// Arbitration of one shared resource (docs/timing.md, "Arbitration"): every requester
// posts at most one request at a time, stamped with the cycle it was made in; at a grant
// point the arbiter chooses among the requests made in that cycle or earlier by a policy
// from the configuration, never by the order the requests were posted in. That order is
// the SystemC kernel's wake order, which no specification (and no RTL) could follow.
//
// Plain C++, no SystemC: the owner decides when a grant point is (arbitration_phase) and
// what a grant does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evr/core/cycles.h"

namespace evr::core {

enum class arbiter_policy : std::uint8_t {
    round_robin, // rotating priority: after a grant, the next requester in `order` is first
    priority,    // fixed priority: `order` names the requesters highest first
    // Not a configuration value: grants in posting order, i.e. what the model did before
    // it had arbiters. Exists only so tests can plant it and see it caught.
    call_order,
};

struct arbiter_stats {
    std::uint64_t grants = 0;
    std::uint64_t wait_cycles = 0; // sum over grants of (grant cycle - request cycle)
    std::uint64_t max_wait = 0;
};

class arbiter {
public:
    // `requesters`: the names, by index. `order`: every name once, in priority order
    // (priority) or rotation order (round_robin). Throws std::invalid_argument otherwise.
    arbiter(std::string port, std::vector<std::string> requesters, arbiter_policy policy,
            const std::vector<std::string>& order);

    // A request of `requester` made in `cycle`; it must have none outstanding.
    void request(std::uint32_t requester, cycle_t cycle);
    bool pending() const { return m_pending_count != 0; }
    bool pending(std::uint32_t requester) const { return m_pending[requester]; }
    // Earliest cycle among the outstanding requests (only when pending()).
    cycle_t earliest() const;
    // Chooses one request made in `cycle` or earlier and removes it; -1 when there is none.
    int grant(cycle_t cycle);

    const std::string& port() const { return m_port; }
    const std::vector<std::string>& requesters() const { return m_names; }
    const arbiter_stats& stats(std::uint32_t requester) const { return m_stats[requester]; }
    arbiter_policy policy() const { return m_policy; }

private:
    std::string m_port;
    std::vector<std::string> m_names;
    arbiter_policy m_policy;
    std::vector<std::uint32_t> m_order; // requester indices in priority / rotation order
    std::vector<bool> m_pending;
    std::vector<cycle_t> m_stamp;
    std::vector<std::uint64_t> m_posted; // posting sequence, for call_order only
    std::vector<arbiter_stats> m_stats;
    std::uint32_t m_pending_count = 0;
    std::uint32_t m_next = 0; // round robin: position in m_order that goes first
    std::uint64_t m_sequence = 0;
};

const char* to_string(arbiter_policy p);

} // namespace evr::core
