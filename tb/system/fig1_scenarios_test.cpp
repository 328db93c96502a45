// System test of the patent's FIG. 1A/1B flow, one scenario per path, on the full
// router::router built from a configuration and a router::scenario with a scripted frame
// source, judged by the independent checker and by the frame events.
//
// One binary = one elaboration, so all scenarios run in ONE router, each on its own
// connections (and VLANs) and in its own time window; a scenario therefore cannot hide
// another's failure, and the checker sees the whole run. The only choice that must be
// made at elaboration is router.no_buffer (drop or wait): the same source is compiled
// twice, with FIG1_NO_BUFFER_WAIT 0 and 1; only scenario (f)'s expectations differ.
//
//   (a) known unicast with resources: direct path, never touches the elastic FIFO
//   (b) unicast to a VM whose ring is empty: stored in its numbered queue, delivered by
//       the local engine in order once the VM re-posts; the next frame to that VM is not
//       sent directly ahead of the stored ones (block 107)
//   (c) another VM of the same VLAN keeps flowing direct meanwhile, latency unchanged
//   (d) broadcast: the assist engine fans it out to every connection of the VLAN through
//       indirect buffers; the buffer returns exactly once
//   (e) unknown unicast: the default connection of its VLAN, or drop with reason
//   (f) no free buffer: drop with reason no_buffer, or wait (FIG1_NO_BUFFER_WAIT)
//
// Data store: 8 buffers of 2048 bytes and no reserve, so (f) can exhaust it.
#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/check/checker.h"
#include "evr/config/config.h"
#include "evr/router/router.h"

#ifndef FIG1_NO_BUFFER_WAIT
#define FIG1_NO_BUFFER_WAIT 0
#endif

namespace evr::test {
namespace {

constexpr bool wait_mode = FIG1_NO_BUFFER_WAIT != 0;
constexpr std::uint32_t frame_len = 200;
constexpr core::cycle_t cycles_per_us = 250;

// Connections; MACs 02:00:00:00:00:0k+1.
enum conn : std::uint32_t { a, b, c, d0, d1, d2, e, f, conn_count };
constexpr std::uint64_t mac_of(std::uint32_t k) {
    return 0x020000000001ULL + k;
}

// Stall windows of VMs b and f, in microseconds from the start of traffic.
constexpr std::uint64_t b_stall_from = 10, b_stall_to = 40;
constexpr std::uint64_t f_stall_from = 60, f_stall_to = 90;

config::config fig1_config() {
    config::config cfg = config::default_config();
    cfg.sram.size_bytes = 16384;
    cfg.sram.reserve_bytes = 0;
    cfg.fifo.buffer_classes = {2048};
    cfg.fifo.class_shares = {1.0};
    cfg.fifo.indirect_buffers = 64;
    cfg.fifo.pool.grow_below = 0; // nothing to grow from anyway: no reserve
    cfg.fifo.pool.grow_step = 1;
    cfg.fifo.pool.shrink_above = 1024;
    cfg.router.no_buffer =
        wait_mode ? config::no_buffer_action::wait : config::no_buffer_action::drop;
    return cfg;
}

// The input: frames at chosen times (microseconds), their role noted for the tests.
class scripted_source : public ingress::frame_source {
public:
    struct item {
        double at_us;
        bytes data;
    };
    std::vector<item> items;

    std::uint64_t add(double at_us, bytes data) {
        items.push_back({at_us, std::move(data)});
        return items.size() - 1;
    }
    bool next(ingress::source_frame& out) override {
        if (m_next == items.size())
            return false;
        const item& it = items[m_next++];
        out.ts_ns = static_cast<std::uint64_t>(it.at_us * 1000.0);
        out.cap_len = out.orig_len = static_cast<std::uint32_t>(it.data.size());
        out.data = it.data.data();
        return true;
    }

private:
    std::size_t m_next = 0;
};

// Frames not yet fully resolved, for the router's completion watch; and what happened.
class ledger : public event_log {
public:
    void on_input(const core::frame_slot& fr) override {
        event_log::on_input(fr);
        m_copies[fr.index] = {1, 0};
    }
    void on_fanout(std::uint64_t index, std::uint32_t copies) override {
        event_log::on_fanout(index, copies);
        m_copies[index].first = copies;
    }
    void on_delivered(const core::copy_view& cv, core::path_kind p) override {
        event_log::on_delivered(cv, p);
        resolve(cv.index, 1);
    }
    void on_dropped(const core::copy_view& cv, core::drop_reason r) override {
        event_log::on_dropped(cv, r);
        resolve(cv.index, cv.conn ? 1 : m_copies[cv.index].first);
    }
    std::uint64_t open() const { return m_copies.size(); }

    std::vector<const delivery*> to(std::uint32_t k) const {
        std::vector<const delivery*> r;
        for (const delivery& d : delivered)
            if (d.conn == k)
                r.push_back(&d);
        return r;
    }
    const delivery* of(std::uint64_t index, std::uint32_t k) const {
        for (const delivery& d : delivered)
            if (d.index == index && d.conn == k)
                return &d;
        return nullptr;
    }
    core::cycle_t arrival(std::uint64_t index) const { return inputs.at(index).arrival; }

private:
    void resolve(std::uint64_t index, std::uint32_t n) {
        auto it = m_copies.find(index);
        if (it == m_copies.end())
            return;
        it->second.second += n;
        if (it->second.second >= it->second.first)
            m_copies.erase(it);
    }
    std::map<std::uint64_t, std::pair<std::uint32_t, std::uint32_t>> m_copies; // (copies, done)
};

struct roles {
    std::uint64_t a0, a1, a2;
    std::vector<std::uint64_t> b;  // b0, b1 direct; b2..b5 stored; b6 behind them; b7 direct
    std::vector<std::uint64_t> c;  // c0 before b's stall, c1..c4 during it
    std::uint64_t bcast;           // (d)
    std::uint64_t unknown_default; // (e) unknown unicast of VLAN 30: the default connection
    std::uint64_t unknown_drop;    // (e) unknown unicast of VLAN 10: no default there
    std::vector<std::uint64_t> f;  // f0 direct, f1..f10 while f's VM stalls
    std::uint64_t f_after;         // after f's queue drained
};

struct bench {
    config::config cfg = fig1_config();
    scripted_source source;
    router::scenario sc;
    roles r;
    std::unique_ptr<router::router> top;
    std::unique_ptr<check::checker> checker;
    ledger log;
    check::verdict verdict;
    std::string drained;

    bench() {
        const std::uint16_t vlan_of[conn_count] = {10, 10, 10, 20, 20, 20, 30, 40};
        for (std::uint32_t k = 0; k < conn_count; ++k) {
            static const char* names[] = {"a", "b", "c", "d0", "d1", "d2", "e", "f"};
            sc.connections.push_back({names[k], mac_of(k), vlan_of[k], {}, {}});
            host::vm_behaviour vm;
            vm.service_cycles = 100;
            sc.vms.push_back(vm);
            // b and f have small rings so a stall empties them.
            sc.ring_entries.push_back(k == b ? 2 : (k == f ? 1 : 64));
            sc.ring_buffer_bytes.push_back(4096);
        }
        sc.default_connection = e;
        sc.stalls.push_back(
            {b, b_stall_from * cycles_per_us, (b_stall_to - b_stall_from) * cycles_per_us, false});
        sc.stalls.push_back(
            {f, f_stall_from * cycles_per_us, (f_stall_to - f_stall_from) * cycles_per_us, false});
        script();
        sc.source = &source;

        top = std::make_unique<router::router>("router", cfg, sc);
        checker = std::make_unique<check::checker>(sc.connections, sc.groups, sc.default_connection,
                                                   check::ordering_mode::connection);
        top->add_listener(checker.get());
        top->add_listener(&log);
        top->open_frames = [this]() { return log.open(); };
    }

    std::uint64_t to(std::uint32_t k, double at_us, std::uint8_t seed) {
        return source.add(at_us, unicast(mac_of(k), vlan_of(k), frame_len, seed));
    }
    std::uint16_t vlan_of(std::uint32_t k) const { return *sc.connections[k].vlan; }

    void script() {
        std::uint8_t seed = 0;
        // Window 1 (0-10 us): (a), (c) baseline, (d), (e).
        r.a0 = to(a, 0, ++seed);
        r.c.push_back(to(c, 1, ++seed));
        r.bcast = source.add(3, broadcast(20, frame_len, ++seed));
        r.unknown_default = source.add(5, unicast(0x02000000eeee, 30, frame_len, ++seed));
        r.unknown_drop = source.add(6, unicast(0x02000000eeee, 10, frame_len, ++seed));
        r.a1 = to(a, 8, ++seed);
        // Window 2 (10-60 us): b's VM stalls 10-40 us with a ring of 2: (b) and (c).
        r.b.push_back(to(b, 12, ++seed));
        r.b.push_back(to(b, 13, ++seed));
        for (int i = 0; i < 4; ++i) {
            r.b.push_back(to(b, 14 + i, ++seed));
            r.c.push_back(to(c, 14.5 + i, ++seed));
        }
        r.b.push_back(to(b, 40.2, ++seed)); // b's queue is still draining
        r.b.push_back(to(b, 55, ++seed));   // long drained: direct again
        // Window 3 (60-100 us): f's VM stalls 60-90 us with a ring of 1: (f); 8 buffers.
        r.f.push_back(to(f, 61, ++seed));
        for (int i = 0; i < 10; ++i)
            r.f.push_back(to(f, 62 + i, ++seed));
        r.a2 = to(a, 75, ++seed);       // direct flow is untouched by the store engine's trouble
        r.f_after = to(f, 130, ++seed); // long after f's queue drained: direct again
    }

    void run() {
        sc_core::sc_start();
        // Buffer conservation from the FIFO's own lists, as evrsim does.
        const elastic_fifo_ref& fifo = top->fifo();
        checker->check_buffers(fifo.live_normal(), fifo.free_count(0), 0, cfg.fifo.indirect_buffers,
                               fifo.indirect_free_count());
        verdict = checker->finish(std::vector<std::uint64_t>{});
        drained = fifo.check_drained();
    }

    // The cycle traffic started (stall windows count from it): the first frame's arrival
    // minus its time on the wire (preamble, frame, FCS at line rate).
    core::cycle_t origin() const {
        const double wire_ns =
            (cfg.mac.preamble_bytes + frame_len + cfg.mac.fcs_bytes) * 8.0 / cfg.mac.line_rate_gbps;
        return log.arrival(0) - static_cast<core::cycle_t>(std::ceil(wire_ns / 4.0));
    }

    // Direct-path latency of a frame_len frame: parse + lookup + allocator, then the host
    // write (ceil(len / write_bytes_per_cycle)) and its completion latency.
    core::cycle_t direct_latency() const {
        return cfg.parser.latency_cycles + cfg.parser.lookup_latency_cycles +
               cfg.allocator.latency_cycles +
               core::transfer_cycles(frame_len, cfg.host.write_bytes_per_cycle) +
               cfg.host.write_latency_cycles;
    }
};

std::unique_ptr<bench> g_bench;

core::cycle_t latency_of(std::uint64_t index, std::uint32_t k) {
    const auto* d = g_bench->log.of(index, k);
    if (d == nullptr)
        return 0;
    return d->cycle - g_bench->log.arrival(index);
}

TEST(fig1, run_completes_and_the_independent_checker_passes) {
    const bench& bn = *g_bench;
    EXPECT_TRUE(bn.top->finished());
    EXPECT_EQ(bn.log.open(), 0u);
    EXPECT_EQ(bn.log.inputs.size(), bn.source.items.size());
    EXPECT_TRUE(bn.verdict.pass);
    EXPECT_EQ(bn.verdict.violations, 0u);
    for (const std::string& m : bn.verdict.messages)
        ADD_FAILURE() << m;
    EXPECT_EQ(bn.drained, "");
    // The wire is never back-pressured: nothing dropped at the adapter.
    for (const auto& d : bn.log.dropped)
        EXPECT_NE(d.reason, core::drop_reason::rx_overflow);
}

TEST(fig1, a_known_unicast_with_resources_goes_direct) {
    const bench& bn = *g_bench;
    for (std::uint64_t i : {bn.r.a0, bn.r.a1, bn.r.a2}) {
        const auto* d = bn.log.of(i, a);
        ASSERT_NE(d, nullptr) << i;
        EXPECT_EQ(d->path, core::path_kind::direct) << i;
        EXPECT_EQ(d->data, bn.source.items[i].data) << i;
        EXPECT_EQ(latency_of(i, a), bn.direct_latency()) << i;
    }
    // Connection a's numbered queue never held a frame: the direct path bypasses the FIFO.
    EXPECT_EQ(bn.top->fifo().high_water(bn.top->queues().numbered(a)), 0u);
    EXPECT_EQ(bn.log.to(a).size(), 3u);
}

TEST(fig1, b_frames_wait_in_their_numbered_queue_and_leave_in_order) {
    const bench& bn = *g_bench;
    const auto got = bn.log.to(b);
    ASSERT_EQ(got.size(), bn.r.b.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        EXPECT_EQ(got[i]->index, bn.r.b[i]) << "order of connection b, position " << i;
    // b0, b1 took the two posted buffers; b2..b5 found the ring empty and were stored.
    EXPECT_EQ(bn.log.of(bn.r.b[0], b)->path, core::path_kind::direct);
    EXPECT_EQ(bn.log.of(bn.r.b[1], b)->path, core::path_kind::direct);
    for (int i = 2; i <= 5; ++i)
        EXPECT_EQ(bn.log.of(bn.r.b[i], b)->path, core::path_kind::stored) << i;
    // The local engine dequeued b2 at once, found no resources and holds it (MASKed):
    // b3..b5 wait in the numbered queue.
    EXPECT_EQ(bn.top->fifo().high_water(bn.top->queues().numbered(b)), 3u);
    EXPECT_GE(bn.top->local().grants_refused(), 1u);
    // Nothing stored leaves before the VM resumes (then serves one frame and re-posts).
    EXPECT_GT(bn.log.of(bn.r.b[2], b)->cycle,
              bn.origin() + b_stall_to * cycles_per_us + bn.sc.vms[b].service_cycles);
}

TEST(fig1, b_next_frame_is_not_sent_directly_ahead_of_the_stored_ones) {
    const bench& bn = *g_bench;
    // b6 arrives after the VM resumed (resources are back) while b2..b5 are still queued:
    // the allocator refuses it (order, block 107), it is stored behind them.
    const auto* b5 = bn.log.of(bn.r.b[5], b);
    const auto* b6 = bn.log.of(bn.r.b[6], b);
    ASSERT_NE(b5, nullptr);
    ASSERT_NE(b6, nullptr);
    EXPECT_EQ(b6->path, core::path_kind::stored);
    EXPECT_GT(b6->cycle, b5->cycle);
    EXPECT_LT(bn.log.arrival(bn.r.b[6]), b5->cycle); // it did arrive while b5 still waited
    // Once drained, direct flow resumes with the direct latency.
    EXPECT_EQ(bn.log.of(bn.r.b[7], b)->path, core::path_kind::direct);
    EXPECT_EQ(latency_of(bn.r.b[7], b), bn.direct_latency());
    EXPECT_EQ(bn.top->alloc().stored(b), 0u);
    EXPECT_FALSE(bn.top->alloc().exclusive(b));
}

TEST(fig1, c_keeps_flowing_direct_while_b_is_stalled) {
    const bench& bn = *g_bench;
    ASSERT_EQ(bn.r.c.size(), 5u);
    for (std::uint64_t i : bn.r.c) {
        const auto* d = bn.log.of(i, c);
        ASSERT_NE(d, nullptr) << i;
        EXPECT_EQ(d->path, core::path_kind::direct) << i;
        // Same latency as before b's stall: no head-of-line blocking.
        EXPECT_EQ(latency_of(i, c), latency_of(bn.r.c[0], c)) << i;
        EXPECT_EQ(latency_of(i, c), bn.direct_latency()) << i;
    }
    // c1..c4 were delivered while b's stored frames were still waiting.
    EXPECT_LT(bn.log.of(bn.r.c[4], c)->cycle, bn.log.of(bn.r.b[2], b)->cycle);
}

TEST(fig1, d_broadcast_fans_out_to_every_vlan_member_through_indirect_buffers) {
    const bench& bn = *g_bench;
    for (std::uint32_t k : {d0, d1, d2}) {
        const auto* d = bn.log.of(bn.r.bcast, k);
        ASSERT_NE(d, nullptr) << k;
        EXPECT_EQ(d->path, core::path_kind::assisted);
        EXPECT_EQ(d->data, bn.source.items[bn.r.bcast].data);
    }
    std::uint32_t copies = 0;
    for (const auto& d : bn.log.delivered)
        copies += d.index == bn.r.bcast;
    EXPECT_EQ(copies, 3u); // VLAN 20 only: never a, b, c (VLAN 10) nor e, f
    const auto fan = std::find(bn.log.fanouts.begin(), bn.log.fanouts.end(),
                               std::pair<std::uint64_t, std::uint32_t>{bn.r.bcast, 3});
    EXPECT_NE(fan, bn.log.fanouts.end());
    // Three LINKs, the only ones of the run: one indirect buffer per copy.
    EXPECT_EQ(bn.top->fifo().stats(fifo_op::link).ok, 3u);
    EXPECT_EQ(bn.top->fifo().stats(fifo_op::link).empty, 0u);
    // Every indirect buffer is back and the normal buffer returned once (a second return
    // would have stopped the run with a protocol error).
    EXPECT_EQ(bn.top->fifo().indirect_free_count(), bn.cfg.fifo.indirect_buffers);
    EXPECT_EQ(bn.top->fifo().stats(fifo_op::release).error, 0u);
}

TEST(fig1, e_unknown_unicast_default_connection_or_drop) {
    const bench& bn = *g_bench;
    const auto* d = bn.log.of(bn.r.unknown_default, e);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, core::path_kind::assisted);
    EXPECT_EQ(bn.log.to(e).size(), 1u);
    const auto* drop = bn.log.find_drop(bn.r.unknown_drop);
    ASSERT_NE(drop, nullptr);
    EXPECT_EQ(drop->reason, core::drop_reason::unknown_destination);
    EXPECT_FALSE(drop->conn.has_value()); // the whole frame
    for (const auto& dl : bn.log.delivered)
        EXPECT_NE(dl.index, bn.r.unknown_drop);
}

TEST(fig1, f_no_free_buffer) {
    const bench& bn = *g_bench;
    ASSERT_EQ(bn.r.f.size(), 11u);
    EXPECT_EQ(bn.log.of(bn.r.f[0], f)->path, core::path_kind::direct);
    auto got = bn.log.to(f);
    ASSERT_FALSE(got.empty());
    ASSERT_EQ(got.back()->index, bn.r.f_after);
    got.pop_back();
    // Eight buffers: f1..f8 are stored; f9 and f10 find the pool empty.
    if (!wait_mode) {
        ASSERT_EQ(got.size(), 9u);
        for (int i = 9; i <= 10; ++i) {
            const auto* drop = bn.log.find_drop(bn.r.f[i]);
            ASSERT_NE(drop, nullptr) << i;
            EXPECT_EQ(drop->reason, core::drop_reason::no_buffer) << i;
        }
        EXPECT_EQ(bn.top->storer().waits(), 0u);
    } else {
        // Option wait: the store engine holds f9 (and f10 queues behind it) until the
        // local engine gives a buffer back after f's VM resumes; nothing is lost.
        ASSERT_EQ(got.size(), 11u);
        EXPECT_GE(bn.top->storer().waits(), 1u);
        EXPECT_GT(bn.log.of(bn.r.f[9], f)->cycle, bn.log.of(bn.r.f[8], f)->cycle);
    }
    for (std::size_t i = 1; i < got.size(); ++i) {
        EXPECT_EQ(got[i]->index, bn.r.f[i]) << "order of connection f, position " << i;
        EXPECT_EQ(got[i]->path, core::path_kind::stored) << i;
    }
    std::uint64_t no_buffer = 0;
    for (const auto& d : bn.log.dropped)
        no_buffer += d.reason == core::drop_reason::no_buffer;
    EXPECT_EQ(no_buffer, wait_mode ? 0u : 2u);
    // All eight buffers were in use: f1 held by the local engine, f2..f8 queued.
    EXPECT_EQ(bn.top->fifo().high_water(bn.top->queues().numbered(f)), 7u);
    EXPECT_EQ(bn.top->fifo().free_count(0), 8u); // and all came back
}

TEST(fig1, f_direct_flow_resumes_after_the_queue_drained) {
    const bench& bn = *g_bench;
    // Exclusive access ends with the numbered queue (claim 7), drops or not.
    EXPECT_FALSE(bn.top->alloc().exclusive(f));
    EXPECT_EQ(bn.top->local().exclusive_count(), 0u);
    const auto* d = bn.log.of(bn.r.f_after, f);
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, core::path_kind::direct);
    EXPECT_EQ(latency_of(bn.r.f_after, f), bn.direct_latency());
}

TEST(fig1, drops_are_exactly_the_expected_ones) {
    const bench& bn = *g_bench;
    EXPECT_EQ(bn.log.dropped.size(), wait_mode ? 1u : 3u);
    // Copies delivered: every input frame once, the broadcast thrice, minus the drops.
    EXPECT_EQ(bn.log.delivered.size(), bn.source.items.size() + 2 - bn.log.dropped.size());
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    evr::test::g_bench->run();
    return RUN_ALL_TESTS();
}
