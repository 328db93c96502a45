#include "evr/router/router.h"

#include <cstdlib>
#include <stdexcept>

namespace evr::router {

// Wakes the completion watcher whenever a frame or copy is resolved.
class router::progress_listener : public core::frame_listener {
public:
    explicit progress_listener(core::wake_event& e) : m_event(e) {}
    void on_input(const core::frame_slot&) override {}
    void on_fanout(std::uint64_t, std::uint32_t) override {}
    void on_delivered(const core::copy_view&, core::path_kind) override { poke(); }
    void on_dropped(const core::copy_view&, core::drop_reason) override { poke(); }

private:
    void poke() { m_event.notify(); }
    core::wake_event& m_event;
};

namespace {

pool::pool_params pool_params_of(const config::config& cfg) {
    pool::pool_params p;
    p.classes = cfg.fifo.buffer_classes;
    p.shares = cfg.fifo.class_shares;
    p.sram_bytes = cfg.sram.size_bytes;
    p.reserve_bytes = cfg.sram.reserve_bytes;
    p.grow_below = cfg.fifo.pool.grow_below;
    p.grow_step = cfg.fifo.pool.grow_step;
    p.shrink_above = cfg.fifo.pool.shrink_above;
    p.interval_cycles = cfg.fifo.pool.interval_cycles;
    return p;
}

parser::policy policy_of(config::router_policy p) {
    switch (p) {
    case config::router_policy::hol:
        return parser::policy::hol;
    case config::router_policy::drop:
        return parser::policy::drop;
    case config::router_policy::elastic:
        break;
    }
    return parser::policy::elastic;
}

// A port's arbiter as the configuration says, its requesters in binding order.
core::port_arbitration arbitration(const config::arbiters_config& all,
                                   config::arbiter_config config::arbiters_config::*port) {
    const config::arbiter_config& a = all.*port;
    // Planted fault for tests (tb/system/wake_order_test.py): every arbiter grants in the
    // order requests were posted, as the model did before it had arbiters.
    static const bool call_order = std::getenv("EVR_FAULT_ARBITER_CALL_ORDER") != nullptr;
    const core::arbiter_policy policy = call_order ? core::arbiter_policy::call_order
                                        : a.policy == config::arbitration_policy::priority
                                            ? core::arbiter_policy::priority
                                            : core::arbiter_policy::round_robin;
    return {config::port_of(port).requesters, policy, a.order};
}

} // namespace

router::router(sc_core::sc_module_name name, const config::config& cfg, scenario& sc)
    : sc_module(name), m_clock(cfg.clock.freq_mhz),
      m_table(sc.connections, sc.groups, sc.default_connection), m_frames(cfg.mac.max_frame_bytes) {
    const auto conns = static_cast<std::uint32_t>(sc.connections.size());
    const pool::pool_params pp = pool_params_of(cfg);
    m_params.classes = static_cast<std::uint32_t>(cfg.fifo.buffer_classes.size());
    m_params.descriptors = pool::descriptors_needed(pp);
    m_params.indirect = cfg.fifo.indirect_buffers;
    m_params.connections = std::max<std::uint32_t>(conns, 1);
    m_queues = fifo_queues(m_params);
    m_headers.resize(m_params.descriptors);

    m_fifo = make_fifo_unit(cfg.fifo.backend, m_params);
    // Requesters named in the order they are bound below (section "Sockets").
    m_fifo_target =
        std::make_unique<fifo_target>("fifo", m_clock.period(), *m_fifo.backend,
                                      arbitration(cfg.arbiter, &config::arbiters_config::fifo));
    m_sram = std::make_unique<mem::sram>(
        "sram", m_clock, cfg.sram.size_bytes, cfg.sram.bytes_per_cycle, cfg.sram.latency_cycles,
        arbitration(cfg.arbiter, &config::arbiters_config::sram_read));

    std::vector<allocator::allocator::vm_ring> rings(conns);
    for (std::uint32_t k = 0; k < conns; ++k)
        rings[k] = {sc.ring_entries[k], sc.ring_buffer_bytes[k]};
    m_alloc = std::make_unique<allocator::allocator>(
        "allocator", m_clock, rings, cfg.host.write_credits, cfg.allocator.latency_cycles,
        arbitration(cfg.arbiter, &config::arbiters_config::allocator));
    m_vms = std::make_unique<host::vm_farm>("vms", m_clock, sc.vms, *m_alloc, m_events, cfg.seed);
    m_host = std::make_unique<mem::host_memory>("host", m_clock, cfg.host.write_bytes_per_cycle,
                                                cfg.host.write_latency_cycles, *m_vms);
    m_rx = std::make_unique<rxbuf::receive_buffer>("rx_buffer", cfg.rx_buffer.size_bytes,
                                                   cfg.rx_buffer.addrq_entries);
    m_pool = std::make_unique<pool::pool_manager>("pool", m_clock, pp, m_queues);

    ingress::adapter_params ap;
    ap.line_rate_gbps = cfg.mac.line_rate_gbps;
    ap.preamble_bytes = cfg.mac.preamble_bytes;
    ap.ifg_bytes = cfg.mac.ifg_bytes;
    ap.fcs_bytes = cfg.mac.fcs_bytes;
    ap.max_frame_bytes = cfg.mac.max_frame_bytes;
    ap.replay_timestamps = cfg.replay.mode == config::replay_mode::timestamps;
    ap.max_packets = cfg.replay.max_packets;
    m_adapter = std::make_unique<ingress::adapter>("adapter", m_clock, ap, *sc.source, *m_rx,
                                                   m_frames, m_events, m_pool->ready());

    m_ctx = std::make_unique<core::engine_context>(
        core::engine_context{m_clock, m_frames, m_headers, m_events, m_queues, *m_alloc, *m_rx});
    m_send = std::make_unique<send::send_engine>(
        "send", *m_ctx, arbitration(cfg.arbiter, &config::arbiters_config::host_write));
    store::store_params stp;
    stp.classes = cfg.fifo.buffer_classes;
    stp.wait_for_buffer = cfg.router.no_buffer == config::no_buffer_action::wait;
    m_store = std::make_unique<store::store_engine>("store", *m_ctx, stp);
    assist::assist_params asp;
    asp.header_bytes = cfg.assist.header_bytes;
    asp.lookup_latency = cfg.assist.lookup_latency_cycles;
    asp.per_copy_cycles = cfg.assist.per_copy_cycles;
    m_assist = std::make_unique<assist::assist_engine>("assist", *m_ctx, asp, m_table);
    m_local = std::make_unique<local::local_engine>(
        "local", *m_ctx, m_params.connections, cfg.router.policy == config::router_policy::drop,
        *m_send);
    parser::parser_params pap;
    pap.parse_latency = cfg.parser.latency_cycles;
    pap.lookup_latency = cfg.parser.lookup_latency_cycles;
    pap.mode = policy_of(cfg.router.policy);
    pap.strict = cfg.router.ordering == config::ordering_mode::strict;
    m_parser = std::make_unique<parser::parser>("parser", *m_ctx, pap, m_table, *m_send, *m_store);

    // Sockets: every engine's port by role; the FIFO and SRAM targets take several.
    m_store->fifo_out.bind(m_fifo_target->cmd_in);
    m_assist->fifo_out.bind(m_fifo_target->cmd_in);
    m_local->fifo_out.bind(m_fifo_target->cmd_in);
    m_pool->fifo_out.bind(m_fifo_target->cmd_in);
    m_store->sram_out.bind(m_sram->write_in);
    m_assist->sram_out.bind(m_sram->read_in);
    m_local->sram_out.bind(m_sram->read_in);
    m_send->host_out.bind(m_host->write_in);

    // The monitors of the patent: who learns about what.
    store::store_engine* st = m_store.get();
    assist::assist_engine* as = m_assist.get();
    local::local_engine* lo = m_local.get();
    pool::pool_manager* po = m_pool.get();
    parser::parser* pa = m_parser.get();
    const fifo_queues q = m_queues;
    m_store->on_submitted = [q, as, lo](std::uint32_t queue) {
        if (q.is_numbered(queue))
            lo->submitted(q.connection_of(queue));
        else
            as->submitted(queue);
    };
    auto freed = [st, po]() {
        st->buffer_freed();
        po->poke();
    };
    m_local->on_buffer_freed = freed;
    m_assist->on_buffer_freed = freed;
    m_assist->on_linked = [lo](std::uint32_t conn) { lo->submitted(conn); };
    if (pap.strict) {
        m_assist->on_resolved = [pa](const lookup::parsed_frame& h) { pa->special_resolved(h); };
        m_store->on_special_dropped = [pa](const lookup::parsed_frame& h) {
            pa->special_resolved(h);
        };
    }
    m_pool->on_grown = [st]() { st->buffer_freed(); };
    m_store->on_allocated = [po]() { po->poke(); };

    m_stalls = sc.stalls;
    m_stall_generator = sc.stall_generator;
    m_random_stalls = false;
    for (const auto& vm : sc.vms)
        m_random_stalls = m_random_stalls || vm.random_stalls;

    m_progress_listener = std::make_unique<progress_listener>(m_progress);
    m_events.add(m_progress_listener.get());
    SC_THREAD(watch_completion);
}

router::~router() = default;

const elastic_fifo_ref& router::fifo() const {
    if (!m_fifo.reference)
        throw std::logic_error("router: the rtl elastic FIFO back end runs no C++ reference; "
                               "read fifo_stats()");
    return *m_fifo.reference;
}

void router::attach_probe(wave_probe* probe) {
    m_parser->attach_probe(probe, wave_unit::parser);
    m_store->attach_probe(probe, wave_unit::store);
    m_assist->attach_probe(probe, wave_unit::assist);
    m_local->attach_probe(probe, wave_unit::local);
    m_send->attach_probe(probe, wave_unit::send);
    m_send->attach_arbiter_probe(probe);
    m_sram->attach_probe(probe);
    m_rx->attach_probe(probe);
    m_alloc->attach_probe(probe);
    m_fifo_target->attach_probe(probe);
    m_vms->attach_probe(probe);
}

void router::watch_completion() {
    wait(m_pool->ready());
    const core::cycle_t origin = m_clock.now();
    std::vector<std::unique_ptr<host::stall_source>> stalls;
    if (m_stall_generator)
        stalls.push_back(m_stall_generator());
    stalls.push_back(std::make_unique<host::stall_list>(std::move(m_stalls)));
    m_vms->schedule(std::move(stalls), origin);
    if (m_random_stalls)
        m_vms->start_random_stalls(origin);

    while (!m_adapter->done())
        wait(m_adapter->done_event());
    m_vms->stop_random_stalls(); // no new episodes once the input has ended
    for (;;) {
        if (!open_frames || open_frames() == 0) {
            // The last frame's buffer may still be on its way back (a RELEASE granted at
            // the next grant phase): let every engine's command finish first. The pool
            // manager is not waited for: its housekeeping never ends, and whether it had
            // posted on this edge before this check would be the kernel's choice.
            const core::arbitrated_port& port = m_fifo_target->port();
            const auto engines_busy = [&port, this] {
                for (std::uint32_t r = 0; r < port.arb().requesters().size(); ++r)
                    if (port.arb().requesters()[r] != "pool" &&
                        (port.arb().pending(r) || port.last_response(r) > m_clock.now()))
                        return true;
                return false;
            };
            // Looked at in grant phases: by then every request of the edge is posted,
            // whichever order the kernel ran the edge's processes in.
            wait(m_clock.half_period());
            while (engines_busy())
                wait(m_clock.duration(1));
            m_finished = true;
            sc_core::sc_stop();
            return;
        }
        m_progress.wait();
    }
}

} // namespace evr::router
