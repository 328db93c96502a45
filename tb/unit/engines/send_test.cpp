// Send engine (patent 209) unit test with the real host memory: jobs are written in the
// order they were pushed (pushes of one cycle from the parser and the local engine in the
// order of the intake arbiter, whatever order they were made in), byte-exact, with the frame's
// identity in the sideband; the host link is busy ceil(orig_len / write_bytes_per_cycle) cycles per
// frame and the write completes write_latency cycles after its last byte; the receive-buffer space
// of a direct frame is freed when its bytes have left (after its last reader, for fan-out copies),
// a stored frame's staging slot goes back to the frame pool.
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/allocator/allocator.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/send/send_engine.h"

namespace evr::test {
namespace {

constexpr std::uint32_t host_bytes_per_cycle = 16;
constexpr std::uint32_t host_latency = 10;

struct rx_sample {
    core::cycle_t cycle;
    std::uint64_t bytes;
};

class rx_watcher : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(rx_watcher);
    rx_watcher(sc_core::sc_module_name name, const core::clock_domain& clock,
               rxbuf::receive_buffer& rx)
        : sc_module(name), m_clock(clock), m_rx(rx) {
        SC_THREAD(run);
    }
    std::vector<rx_sample> samples;

private:
    void run() {
        for (;;) {
            m_rx.freed().wait();
            samples.push_back({m_clock.now(), m_rx.bytes()});
        }
    }
    const core::clock_domain& m_clock;
    rxbuf::receive_buffer& m_rx;
};

// The parts of an engine context the send engine does not use (it needs the clock, the
// frame slots and the receive buffer).
struct unused_context_parts {
    core::buffer_headers headers;
    core::frame_events events;
    fifo_queues queues;
    allocator::allocator alloc;
    unused_context_parts(const std::string& n, const core::clock_domain& c)
        : alloc((n + "_alloc").c_str(), c, {}, 0, 0) {}
    core::engine_context context(const core::clock_domain& c, core::frame_pool& frames,
                                 rxbuf::receive_buffer& rx) {
        return {c, frames, headers, events, queues, alloc, rx};
    }
};

struct bench {
    core::clock_domain clock{freq_mhz};
    core::frame_pool pool{9216};
    rxbuf::receive_buffer rx{"rx", 65536, 16};
    write_log host_log;
    mem::host_memory host{"host", clock, host_bytes_per_cycle, host_latency, host_log};
    unused_context_parts unused{"bench", clock};
    core::engine_context ctx = unused.context(clock, pool, rx);
    send::send_engine send{"send", ctx};
    rx_watcher watch{"watch", clock, rx};
    null_fifo nowhere{"nowhere"};
    driver drv{"driver", clock};

    std::vector<bytes> frames; // by index
    std::uint32_t sliced_cap = 64;

    bench() {
        send.host_out.bind(host.write_in);
        drv.fifo_out.bind(nowhere.socket);
        frames = {unicast(0x020000000001, 0, 100, 1), unicast(0x020000000002, 0, 1518, 2),
                  unicast(0x020000000003, 0, 60, 3), unicast(0x020000000004, 0, 1000, 4),
                  unicast(0x020000000005, 0, 200, 5)};
        drv.script = [this](driver& d) {
            d.at(5);
            // Two direct frames from the receive buffer and one read back from the data
            // store (not in the receive buffer), pushed in the same cycle.
            core::frame_slot* a = make_frame(pool, 0, frames[0], 4);
            rx.push(a);
            send.push({a, 2, core::path_kind::direct});
            core::frame_slot* b = make_frame(pool, 1, frames[1], 4);
            rx.push(b);
            send.push({b, 3, core::path_kind::direct});
            send.push({make_frame(pool, 2, frames[2], 4), 1, core::path_kind::stored});
            d.at(200);
            // A sliced capture: 64 bytes kept of a 1000-byte frame; timing follows 1000.
            core::frame_slot* s = make_frame(pool, 3, frames[3], 199);
            s->cap_len = sliced_cap;
            s->bytes.resize(sliced_cap);
            rx.push(s);
            send.push({s, 0, core::path_kind::direct});
            d.at(300);
            // A frame fanned out in the receive buffer (hol policy): two readers.
            core::frame_slot* e = make_frame(pool, 4, frames[4], 299);
            rx.push(e);
            e->readers += 1;
            send.push({e, 4, core::path_kind::direct});
            send.push({e, 5, core::path_kind::direct});
        };
    }
};

// The intake arbiter on its own: a parser and a local engine pushing into one send
// engine. Cycle 10: the parser's 1600-byte frame (the link busy until 110). Cycle 20 the
// local engine pushes conn 1, cycle 21 the parser conn 2: the older push goes first
// whatever the policy (one queue in push order). Cycle 30 both push (parser conn 3, local
// conn 4), one a delta after the other: the policy orders them.
struct intake_rig {
    core::frame_pool pool{9216};
    rxbuf::receive_buffer rx;
    write_log log;
    mem::host_memory host;
    unused_context_parts unused;
    core::engine_context ctx;
    send::send_engine send;
    null_fifo nowhere_p, nowhere_l;
    driver parser, local;

    intake_rig(const std::string& n, const core::clock_domain& clock, core::arbiter_policy policy,
               bool local_posts_first)
        : rx((n + "_rx").c_str(), 65536, 16),
          host((n + "_host").c_str(), clock, host_bytes_per_cycle, host_latency, log),
          unused(n, clock), ctx(unused.context(clock, pool, rx)),
          send((n + "_send").c_str(), ctx,
               core::port_arbitration{{"parser", "local"}, policy, {"parser", "local"}}),
          nowhere_p((n + "_np").c_str()), nowhere_l((n + "_nl").c_str()),
          parser((n + "_parser").c_str(), clock), local((n + "_local").c_str(), clock) {
        send.host_out.bind(host.write_in);
        parser.fifo_out.bind(nowhere_p.socket);
        local.fifo_out.bind(nowhere_l.socket);
        parser.script = [this, local_posts_first](driver& d) {
            d.at(10);
            direct(0, 1600);
            d.at(21);
            direct(2, 60);
            d.at(30);
            if (local_posts_first)
                sc_core::wait(sc_core::SC_ZERO_TIME);
            direct(3, 60);
        };
        local.script = [this, local_posts_first](driver& d) {
            d.at(20);
            stored(1);
            d.at(30);
            if (!local_posts_first)
                sc_core::wait(sc_core::SC_ZERO_TIME);
            stored(4);
        };
    }
    void direct(std::uint32_t conn, std::size_t len) {
        core::frame_slot* f = make_frame(pool, conn, bytes(len, 0x11), 0);
        rx.push(f);
        send.push({f, conn, core::path_kind::direct});
    }
    void stored(std::uint32_t conn) {
        send.push({make_frame(pool, conn, bytes(60, 0x22), 0), conn, core::path_kind::stored});
    }
    std::vector<std::uint32_t> conns() const {
        std::vector<std::uint32_t> out;
        for (const auto& w : log.writes)
            out.push_back(w.frame.conn);
        return out;
    }
};

struct intake_bench {
    core::clock_domain clock{freq_mhz};
    intake_rig prio_pf{"prio_pf", clock, core::arbiter_policy::priority, false};
    intake_rig prio_lf{"prio_lf", clock, core::arbiter_policy::priority, true};
    intake_rig rr_lf{"rr_lf", clock, core::arbiter_policy::round_robin, true};
    // Planted fault: the intake in posting order.
    intake_rig co_pf{"co_pf", clock, core::arbiter_policy::call_order, false};
    intake_rig co_lf{"co_lf", clock, core::arbiter_policy::call_order, true};
};

std::unique_ptr<bench> g_bench;
std::unique_ptr<intake_bench> g_intake;

TEST(send_engine, older_pushes_first_same_cycle_pushes_by_policy) {
    const std::vector<std::uint32_t> expected{0, 1, 2, 3, 4};
    EXPECT_EQ(g_intake->prio_pf.conns(), expected);
    EXPECT_EQ(g_intake->prio_lf.conns(), expected); // parser first whoever posted first
    // Round robin: the parser had the last grant (conn 2 at 110 + 4), so local goes first.
    EXPECT_EQ(g_intake->rr_lf.conns(), (std::vector<std::uint32_t>{0, 1, 2, 4, 3}));
    // Local engine: conn 1 waited from 20 to 110 (1600 bytes: 100 cycles from 10), conn 4
    // from 30 to 122 (after conns 1, 2, 3 of 4 cycles each).
    const core::arbiter& a = g_intake->prio_pf.send.arbiter();
    EXPECT_EQ(a.stats(1).grants, 2u);
    EXPECT_EQ(a.stats(1).wait_cycles, (110u - 20) + (122 - 30));
    EXPECT_EQ(a.stats(1).max_wait, 122u - 30);
}

TEST(send_engine, planted_call_order_intake_depends_on_the_posting_order) {
    EXPECT_NE(g_intake->co_pf.conns(), g_intake->co_lf.conns());
}

TEST(send_engine, writes_in_push_order_with_the_sideband) {
    // Pushed in cycle 5: direct 0, direct 1 (parser), stored 2 (local engine). Round robin
    // starting with the parser: 0, then the local engine's 2, then 1.
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 6u);
    const std::vector<std::uint64_t> index{0, 2, 1, 3, 4, 4};
    const std::vector<std::uint32_t> conn{2, 1, 3, 0, 4, 5};
    const std::vector<core::path_kind> path{core::path_kind::direct, core::path_kind::stored,
                                            core::path_kind::direct, core::path_kind::direct,
                                            core::path_kind::direct, core::path_kind::direct};
    const std::vector<std::uint32_t> orig{100, 60, 1518, 1000, 200, 200};
    for (std::size_t i = 0; i < w.size(); ++i) {
        EXPECT_EQ(w[i].frame.index, index[i]) << i;
        EXPECT_EQ(w[i].frame.conn, conn[i]) << i;
        EXPECT_EQ(w[i].frame.path, path[i]) << i;
        EXPECT_EQ(w[i].frame.orig_len, orig[i]) << i;
    }
}

TEST(send_engine, payloads_are_byte_exact) {
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 6u);
    EXPECT_EQ(w[0].data, g_bench->frames[0]);
    EXPECT_EQ(w[1].data, g_bench->frames[2]);
    EXPECT_EQ(w[2].data, g_bench->frames[1]);
    const bytes sliced(g_bench->frames[3].begin(), g_bench->frames[3].begin() + 64);
    EXPECT_EQ(w[3].data, sliced); // the captured bytes only
    EXPECT_EQ(w[4].data, g_bench->frames[4]);
    EXPECT_EQ(w[5].data, g_bench->frames[4]);
}

TEST(send_engine, host_link_timing_in_whole_cycles) {
    // Completion = last byte out + latency; the link carries one write at a time, so the
    // writes pushed together at cycle 5 follow each other back to back.
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 6u);
    EXPECT_EQ(w[0].cycle, 5u + 7 + host_latency);    // ceil(100/16) = 7: done 12
    EXPECT_EQ(w[1].cycle, 12u + 4 + host_latency);   // ceil(60/16) = 4: done 16
    EXPECT_EQ(w[2].cycle, 16u + 95 + host_latency);  // ceil(1518/16) = 95: done 111
    EXPECT_EQ(w[3].cycle, 200u + 63 + host_latency); // orig 1000, not cap 64
    EXPECT_EQ(w[4].cycle, 300u + 13 + host_latency); // ceil(200/16) = 13
    EXPECT_EQ(w[5].cycle, 313u + 13 + host_latency);
    EXPECT_EQ(g_bench->host.timing().busy_cycles(), 7u + 95 + 4 + 63 + 13 + 13);
}

TEST(send_engine, receive_buffer_space_freed_when_the_bytes_have_left) {
    const auto& s = g_bench->watch.samples;
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].cycle, 12u); // frame 0 out: frame 1 still there
    EXPECT_EQ(s[0].bytes, 1518u);
    EXPECT_EQ(s[1].cycle, 111u);
    EXPECT_EQ(s[1].bytes, 0u);
    EXPECT_EQ(s[2].cycle, 263u); // timing by orig_len, space by orig_len
    EXPECT_EQ(s[2].bytes, 0u);
    EXPECT_EQ(s[3].cycle, 326u); // the fanned-out frame: only after its second reader
    EXPECT_EQ(s[3].bytes, 0u);
}

TEST(send_engine, every_frame_slot_is_recycled) {
    bench& b = *g_bench;
    EXPECT_FALSE(b.send.busy());
    EXPECT_EQ(b.send.queued(), 0u);
    EXPECT_EQ(b.send.frames(), 6u);
    // Frames 0-2 were in flight together; frames 3 and 4 reused their slots.
    EXPECT_EQ(b.pool.allocated(), 3u);
    std::vector<core::frame_slot*> taken;
    for (int i = 0; i < 3; ++i)
        taken.push_back(b.pool.get());
    EXPECT_EQ(b.pool.allocated(), 3u); // all three slots came back: no new allocation
    for (core::frame_slot* f : taken)
        b.pool.put(f);
    EXPECT_EQ(b.host.in_flight(), 0u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    evr::test::g_intake = std::make_unique<evr::test::intake_bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
