// The allocator (patent 207): grants the connection-specific resources a frame needs to
// be written into its VM's memory: enough posted receive buffers of that VM, plus one of
// the shared outstanding host-write credits.
//
// Its refusals keep per-connection order (claims 3, 6, 7): a direct attempt is refused
// while the connection has frames stored in the elastic FIFO (or on their way there), and
// while the local engine holds the connection exclusively.
//
// The parser and the local engine share it through an arbiter (docs/timing.md,
// "Arbitration"): an attempt is decided half a period after the edge of its last cycle,
// when every engine of that edge has run, so two attempts for the last credit, or an
// attempt and a re-post in the same cycle, are decided by the configured policy and the
// cycle, never by the kernel's wake order.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <systemc>

#include "evr/common/wave_probe.h"
#include "evr/core/arbitrated_port.h"
#include "evr/core/cycles.h"
#include "evr/core/wake_event.h"

namespace evr::allocator {

enum class grant : std::uint8_t {
    ok,
    blocked,      // order: frames of the connection are stored, or it is held exclusively
    no_resources, // the VM has too few posted receive buffers
    no_credit,    // every shared host-write credit is in use
};

// Who asks, by arbiter index (the requesters "parser", "local" in that order).
enum class requester : std::uint32_t { parser = 0, local = 1 };

class allocator : public sc_core::sc_module {
public:
    struct vm_ring {
        std::uint32_t entries = 0;      // posted receive buffers in the ring
        std::uint32_t buffer_bytes = 0; // size of one posted buffer
    };

    // `arbitration` names "parser" and "local" (left empty: round robin in that order).
    allocator(sc_core::sc_module_name name, const core::clock_domain& clock,
              const std::vector<vm_ring>& rings, std::uint32_t host_credits,
              std::uint32_t latency_cycles, core::port_arbitration arbitration = {});

    std::uint32_t latency() const { return m_latency; }
    std::uint32_t buffers_needed(std::uint32_t conn, std::uint32_t orig_len) const;

    // One attempt through the arbiter, from the requester's SC_THREAD on an edge `c`:
    // decided at the grant phase of cycle c + latency - 1, returns on the edge of
    // c + latency (an attempt takes at least one cycle, also at latency 0). The parser's
    // attempts are direct (try_direct), the local engine's its own (try_local).
    grant request(requester who, std::uint32_t conn, std::uint32_t orig_len);
    const core::arbiter& arbiter() const { return m_port.arb(); }
    // Whether resources came back (a re-post or a credit) after `who`'s last attempt was
    // decided: a refused caller about to wait for resources_returned() checks this first,
    // since a return on the edge it resumes on may come before it waits.
    bool returned_since_decision(requester who) const {
        return m_returns != m_attempt[static_cast<std::uint32_t>(who)].returns_seen;
    }

    // The decisions themselves, at once (what a granted request does).
    // Direct path: refuses while frames of `conn` are stored or it is held exclusively.
    grant try_direct(std::uint32_t conn, std::uint32_t orig_len);
    // Local engine, which holds the connection: only the resources count.
    grant try_local(std::uint32_t conn, std::uint32_t orig_len);
    // The send engine's host write for a granted frame completed: credit back.
    void return_credit();
    // The VM re-posted `buffers` receive buffers.
    void repost(std::uint32_t conn, std::uint32_t buffers);

    // Frames of `conn` on the store path or in its numbered queue (not yet handed to the
    // send engine); maintained by the parser, store, assist and local engines.
    void add_stored(std::uint32_t conn) {
        ++m_stored[conn];
        probe(conn);
    }
    void remove_stored(std::uint32_t conn) {
        --m_stored[conn];
        probe(conn);
    }
    std::uint32_t stored(std::uint32_t conn) const { return m_stored[conn]; }
    void set_exclusive(std::uint32_t conn, bool held) {
        m_exclusive[conn] = held;
        probe(conn);
    }
    bool exclusive(std::uint32_t conn) const { return m_exclusive[conn]; }

    // Resources came back (a re-post or a credit): connections whose re-post happened
    // since the last call (each once), and the event that says so.
    core::wake_event& resources_returned() { return m_returned; }
    bool take_returned(std::vector<std::uint32_t>& conns);
    bool has_returned() const { return m_credit_returned || !m_returned_conns.empty(); }
    // The local engine's subscription: returns to the connections it masked and, while
    // some wait for one, credits. Only those notify watched_returned(), so an idle local
    // engine is not woken by every host write and re-post. take_returned() clears the news.
    void watch(std::uint32_t conn, bool on) { m_watched[conn] = on; }
    void watch_credits(bool on) { m_watch_credits = on; }
    core::wake_event& watched_returned() { return m_watched_event; }
    bool has_watched_returned() const { return m_watched_news; }
    std::uint32_t posted(std::uint32_t conn) const { return m_posted[conn]; }
    std::uint32_t credits_in_use() const { return m_credits_total - m_credits; }
    // Waveforms (docs/waveforms.md): null unless a waveform is written.
    void attach_probe(wave_probe* probe) {
        m_probe = probe;
        m_port.attach_probe(probe, wave_port::allocator);
    }

private:
    struct attempt {
        std::uint32_t conn = 0;
        std::uint32_t orig_len = 0;
        grant result = grant::ok;
        std::uint64_t returns_seen = 0; // m_returns when it was decided
    };
    core::arbitrated_port::served serve(std::uint32_t who, core::cycle_t issue);
    grant take(std::uint32_t conn, std::uint32_t orig_len);
    void probe(std::uint32_t conn) {
        if (m_probe)
            m_probe->changed(wave_unit::allocator, conn);
    }

    std::vector<vm_ring> m_rings;
    std::vector<std::uint32_t> m_posted;
    std::vector<std::uint32_t> m_stored;
    std::vector<bool> m_exclusive;
    std::uint32_t m_credits_total;
    std::uint32_t m_credits;
    std::uint32_t m_latency;
    std::vector<std::uint32_t> m_returned_conns;
    std::vector<bool> m_returned_flag; // conn is in m_returned_conns
    bool m_credit_returned = false;
    core::wake_event m_returned;
    std::vector<bool> m_watched;
    bool m_watch_credits = false;
    bool m_watched_news = false;
    core::wake_event m_watched_event;
    probe_ref m_probe;
    const core::clock_domain& m_clock;
    core::arbitrated_port m_port;
    attempt m_attempt[2];        // per requester
    std::uint64_t m_returns = 0; // re-posts and credits returned so far
};

} // namespace evr::allocator
