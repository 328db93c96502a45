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
#include <memory>
#include <string>
#include <vector>

#include "evr/common/wave_probe.h"
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
    // The same for a request that stands for something posted earlier (a queued job that
    // reached the head of its queue): `sequence` is its place in posting order, which only
    // the planted call_order policy looks at. Use one scheme per arbiter.
    void request(std::uint32_t requester, cycle_t cycle, std::uint64_t sequence);
    bool pending() const { return m_pending_count != 0; }
    bool pending(std::uint32_t requester) const { return m_pending[requester]; }
    // Earliest cycle among the outstanding requests (only when pending()).
    cycle_t earliest() const;
    // Chooses one request made in `cycle` or earlier and removes it; -1 when there is none.
    int grant(cycle_t cycle);
    // The same, granted in cycle `now` >= `cycle`: a queue that serves the oldest requests
    // first offers only those of their cycle, and the wait counts to `now`.
    int grant(cycle_t cycle, cycle_t now);

    const std::string& port() const { return m_port; }
    const std::vector<std::string>& requesters() const { return m_names; }
    const arbiter_stats& stats(std::uint32_t requester) const { return m_stats[requester]; }
    arbiter_policy policy() const { return m_policy; }
    // Waveforms (docs/waveforms.md): told of every request and grant; null when off.
    void attach_probe(wave_probe* probe, wave_port port) {
        m_probe = probe;
        m_wave_port = port;
    }

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
    probe_ref m_probe;
    wave_port m_wave_port = wave_port::fifo;
};

const char* to_string(arbiter_policy p);

// How a port arbitrates, as the configuration says: `requesters` names the initiators in
// the order they are bound to the target's socket; `order` and `policy` as the arbiter
// takes them. Left empty, the initiators are named "initiatorN" by index and served round
// robin in that order.
struct port_arbitration {
    std::vector<std::string> requesters;
    arbiter_policy policy = arbiter_policy::round_robin;
    std::vector<std::string> order;
};

// The arbiter `how` describes for `bound` requesters, called `port`. Throws
// std::logic_error when the names do not match the count, std::invalid_argument for a
// bad order.
std::unique_ptr<arbiter> make_arbiter(const std::string& port, std::size_t bound,
                                      const port_arbitration& how);

} // namespace evr::core
