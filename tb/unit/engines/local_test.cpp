// Local engine (patent 213) unit test. Real neighbours: the store engine fills the
// numbered queues (as the parser would hand it refused frames), the elastic FIFO reference
// behind fifo_target, the SRAM, the allocator, the send engine and the host memory.
//
// Connection 0's VM has no posted buffer: its three frames wait in numbered queue 0. The
// local engine dequeues the first, takes exclusive access (block 129), finds no resources,
// keeps the frame and MASKs the connection out of PICK. Connection 1 meanwhile has
// resources: its frame is served at once (no head-of-line blocking). Re-posts of two and
// then one buffer let connection 0's frames out in order; exclusive access ends when its
// queue is empty, and only then does a direct attempt succeed again.
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/allocator/allocator.h"
#include "evr/local/local_engine.h"
#include "evr/mem/sram.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/send/send_engine.h"
#include "evr/store/store_engine.h"

namespace evr::test {
namespace {

constexpr std::uint32_t host_latency = 10;
constexpr std::uint32_t alloc_latency = 2;

fifo_params params() {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 4;
    p.indirect = 2;
    p.connections = 4;
    return p;
}

struct probe {
    core::cycle_t cycle;
    bool exclusive;
    std::uint32_t exclusive_count;
    allocator::grant direct;
};

struct bench {
    core::clock_domain clock{freq_mhz};
    fifo_queues queues{params()};
    core::frame_pool pool{9216};
    core::frame_events events;
    event_log log;
    core::buffer_headers headers{params().descriptors};
    spy_backend backend{params()};
    fifo_target port{"fifo", clock.period(), backend};
    mem::sram sram{"sram", clock, 65536, 32, 4};
    write_log host_log;
    mem::host_memory host{"host", clock, 16, host_latency, host_log};
    rxbuf::receive_buffer rx{"rx", 65536, 16};
    // Connection 0: no posted buffer at first; connection 1: four.
    allocator::allocator alloc{
        "allocator", {{0, 4096}, {4, 4096}, {4, 4096}, {4, 4096}}, 8, alloc_latency};
    send::send_engine send{"send", clock, rx, pool};
    store::store_engine store{"store", clock, {{2048}, false}, rx,    pool,
                              headers, alloc, events,          queues};
    local::local_engine local{
        "local", clock, params().connections, false, alloc, send, pool, headers, events, queues};
    driver drv{"driver", clock};

    std::vector<bytes> frames{
        unicast(0x020000000001, 0, 100, 1), unicast(0x020000000001, 0, 200, 2),
        unicast(0x020000000001, 0, 300, 3), unicast(0x020000000002, 0, 100, 4)};
    std::vector<probe> probes;

    bench() {
        store.fifo_out.bind(port.cmd_in);
        local.fifo_out.bind(port.cmd_in);
        drv.fifo_out.bind(port.cmd_in);
        store.sram_out.bind(sram.port_in);
        local.sram_out.bind(sram.port_in);
        send.host_out.bind(host.write_in);
        events.add(&log);
        store.on_submitted = [this](std::uint32_t q) { local.submitted(queues.connection_of(q)); };
        local.on_buffer_freed = [this]() { store.buffer_freed(); };

        drv.script = [this](driver& d) {
            for (std::uint32_t i = 0; i < 4; ++i)
                d.run_cmd(fifo_cmd::add_free(0, i * 2048));
            d.at(10);
            for (std::uint32_t i = 0; i < 3; ++i)
                refused(i, 0);
            d.at(200);
            refused(3, 1);
            d.at(400);
            sample(); // [0] held, masked
            d.at(500);
            alloc.repost(0, 2);
            d.at(700);
            sample(); // [1] two sent, the third held again
            d.at(1000);
            alloc.repost(0, 2);
            d.at(1200);
            sample(); // [2] queue empty: exclusive access released
        };
    }

    // The parser found no resources for frame `i` of connection `conn`.
    void refused(std::uint64_t i, std::uint32_t conn) {
        core::frame_slot* f = make_frame(pool, i, frames[i], clock.now());
        f->cls = lookup::frame_class::known;
        f->conn = conn;
        rx.push(f);
        alloc.add_stored(conn);
        store.push({f, queues.numbered(conn)});
    }

    void sample() {
        // try_direct is the parser's question; it takes nothing when refused.
        probes.push_back(
            {clock.now(), alloc.exclusive(0), local.exclusive_count(), alloc.try_direct(0, 100)});
    }
};

std::unique_ptr<bench> g_bench;

TEST(local_engine, other_connections_are_not_blocked_by_a_stalled_one) {
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0].frame.index, 3u); // connection 1's frame passes connection 0's
    EXPECT_EQ(w[0].frame.conn, 1u);
    EXPECT_LT(w[0].cycle, 500u); // before connection 0 had any resource
}

TEST(local_engine, connection_frames_leave_in_order_byte_exact) {
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(w[i].frame.index, i - 1);
        EXPECT_EQ(w[i].frame.conn, 0u);
        EXPECT_EQ(w[i].frame.path, core::path_kind::stored);
        EXPECT_EQ(w[i].data, g_bench->frames[i - 1]);
    }
    EXPECT_GT(w[3].cycle, 1000u); // the third needed the second re-post
    const auto& d = g_bench->log.delivered;
    EXPECT_TRUE(d.empty()); // deliveries are the VM farm's to report; none here
}

TEST(local_engine, refusal_masks_the_connection_and_keeps_the_frame) {
    const bench& b = *g_bench;
    EXPECT_EQ(b.local.grants_refused(), 2u);
    const auto masks = b.backend.of(fifo_op::mask);
    ASSERT_EQ(masks.size(), 4u);
    EXPECT_EQ(masks[0]->cmd.connection, 0u);
    EXPECT_TRUE(masks[0]->cmd.masked);
    EXPECT_FALSE(masks[1]->cmd.masked);
    EXPECT_TRUE(masks[2]->cmd.masked);
    EXPECT_FALSE(masks[3]->cmd.masked);
    // One DEQUEUE per frame: a held frame is not dequeued again.
    EXPECT_EQ(b.backend.of(fifo_op::dequeue).size(), 4u);
}

TEST(local_engine, resources_returning_unmask_in_the_same_cycle) {
    const auto masks = g_bench->backend.of(fifo_op::mask);
    ASSERT_EQ(masks.size(), 4u);
    EXPECT_EQ(masks[1]->issue, 500u);
    EXPECT_EQ(masks[3]->issue, 1000u);
    // The held frame then goes: allocator attempt, SRAM read (ceil(100/32)=4 + 4), send:
    // host link ceil(100/16) = 7 cycles, then the write latency.
    const auto& w = g_bench->host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[1].cycle, 501u + alloc_latency + 8 + 7 + host_latency);
}

TEST(local_engine, exclusive_access_from_first_dequeue_until_queue_empty) {
    const auto& p = g_bench->probes;
    ASSERT_EQ(p.size(), 3u);
    EXPECT_TRUE(p[0].exclusive);
    EXPECT_EQ(p[0].exclusive_count, 1u); // connection 1's episode has ended already
    EXPECT_EQ(p[0].direct, allocator::grant::blocked);
    EXPECT_TRUE(p[1].exclusive);
    EXPECT_EQ(p[1].direct, allocator::grant::blocked);
    EXPECT_FALSE(p[2].exclusive);
    EXPECT_EQ(p[2].exclusive_count, 0u);
    EXPECT_EQ(p[2].direct, allocator::grant::ok); // direct flow resumes
    EXPECT_EQ(g_bench->alloc.stored(0), 0u);
    EXPECT_EQ(g_bench->alloc.stored(1), 0u);
}

TEST(local_engine, every_buffer_returns) {
    const bench& b = *g_bench;
    EXPECT_EQ(b.local.frames(), 4u);
    EXPECT_EQ(b.local.queued(0), 0u);
    EXPECT_EQ(b.backend.of(fifo_op::release).size(), 4u);
    for (const auto* r : b.backend.of(fifo_op::release))
        EXPECT_TRUE(r->cmd.rsp.freed);
    EXPECT_EQ(b.backend.ref().check_drained(), "");
    EXPECT_FALSE(b.local.busy());
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
