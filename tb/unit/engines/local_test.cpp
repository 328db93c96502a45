// Local engine (patent 213) unit test. Real neighbours: the store engine fills the
// numbered queues (as the parser would hand it refused frames), the elastic FIFO reference
// behind fifo_target, the SRAM, the allocator, the send engine and the host memory.
//
// Connection 0's VM has no posted buffer: its three frames wait in numbered queue 0. The
// local engine dequeues the first, takes exclusive access (block 129), finds no resources,
// keeps the frame and MASKs the connection out of PICK. Connection 1 meanwhile has
// resources: its frame is served at once (no head-of-line blocking). Two re-posts of two
// buffers let connection 0's frames out in order; exclusive access ends when its queue is
// empty, and only then does a direct attempt succeed again.
//
// Two more rigs in the same elaboration: "credit" (one shared host-write credit: the second
// frame waits MASKed for the credit, not for a re-post) and "drop" (router.policy = drop:
// a stored frame without resources is dropped with reason no_resources).
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "engine_rig.h"
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

class local_rig : public sc_core::sc_module, public engine_rig_parts {
public:
    write_log host_log;
    mem::host_memory host{"host", clock, 16, host_latency, host_log};
    send::send_engine send{"send", ctx};
    store::store_engine store{"store", ctx, {{2048}, false}};
    local::local_engine local;
    driver drv{"driver", clock};

    std::vector<bytes> frames{
        unicast(0x020000000001, 0, 100, 1), unicast(0x020000000001, 0, 200, 2),
        unicast(0x020000000001, 0, 300, 3), unicast(0x020000000002, 0, 100, 4)};
    std::vector<probe> probes;

    // `ring0`: posted buffers of connection 0 (the others have four); `drop`: the local
    // engine drops a frame it finds no resources for (router.policy = drop).
    local_rig(sc_core::sc_module_name name, std::uint32_t ring0, std::uint32_t credits, bool drop)
        : sc_module(name),
          engine_rig_parts(
              {params(), {{ring0, 4096}, {4, 4096}, {4, 4096}, {4, 4096}}, credits, alloc_latency}),
          local("local", ctx, params().connections, drop, send) {
        store.fifo_out.bind(port.cmd_in);
        local.fifo_out.bind(port.cmd_in);
        drv.fifo_out.bind(port.cmd_in);
        store.sram_out.bind(sram.write_in);
        local.sram_out.bind(sram.read_in);
        send.host_out.bind(host.write_in);
        store.on_submitted = [this](std::uint32_t q) { local.submitted(queues.connection_of(q)); };
        local.on_buffer_freed = [this]() { store.buffer_freed(); };
    }

    void fill_pool(driver& d) {
        for (std::uint32_t i = 0; i < 4; ++i)
            d.run_cmd(fifo_cmd::add_free(0, i * 2048));
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

struct bench {
    local_rig main{"main", 0, 8, false};
    local_rig credit{"credit", 4, 1, false};
    local_rig dropper{"drop", 0, 8, true};

    bench() {
        main.drv.script = [this](driver& d) {
            local_rig& r = main;
            r.fill_pool(d);
            d.at(10);
            for (std::uint32_t i = 0; i < 3; ++i)
                r.refused(i, 0);
            d.at(200);
            r.refused(3, 1);
            d.at(400);
            r.sample(); // [0] held, masked
            d.at(500);
            r.alloc.repost(0, 2);
            d.at(700);
            r.sample(); // [1] two sent, the third held again
            d.at(1000);
            r.alloc.repost(0, 2);
            d.at(1200);
            r.sample(); // [2] queue empty: exclusive access released
        };
        credit.drv.script = [this](driver& d) {
            local_rig& r = credit;
            r.fill_pool(d);
            d.at(10);
            r.refused(0, 0); // takes the only host-write credit
            r.refused(1, 0); // no credit: held and masked until one returns
            d.at(500);
            r.alloc.return_credit(); // the VM farm would, when frame 0's write completed
        };
        dropper.drv.script = [this](driver& d) {
            local_rig& r = dropper;
            r.fill_pool(d);
            d.at(10);
            r.refused(0, 0); // connection 0 has no buffer: the local engine drops it
            d.at(300);
            sample_drop = {r.clock.now(), r.alloc.exclusive(0), r.local.exclusive_count(),
                           r.alloc.try_direct(0, 100)};
        };
    }
    probe sample_drop{};
};

std::unique_ptr<bench> g_bench;

TEST(local_engine, other_connections_are_not_blocked_by_a_stalled_one) {
    const auto& w = g_bench->main.host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[0].frame.index, 3u); // connection 1's frame passes connection 0's
    EXPECT_EQ(w[0].frame.conn, 1u);
    EXPECT_LT(w[0].cycle, 500u); // before connection 0 had any resource
}

TEST(local_engine, connection_frames_leave_in_order_byte_exact) {
    const auto& w = g_bench->main.host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    for (std::size_t i = 1; i < 4; ++i) {
        EXPECT_EQ(w[i].frame.index, i - 1);
        EXPECT_EQ(w[i].frame.conn, 0u);
        EXPECT_EQ(w[i].frame.path, core::path_kind::stored);
        EXPECT_EQ(w[i].data, g_bench->main.frames[i - 1]);
    }
    EXPECT_GT(w[3].cycle, 1000u); // the third needed the second re-post
    const auto& d = g_bench->main.log.delivered;
    EXPECT_TRUE(d.empty()); // deliveries are the VM farm's to report; none here
}

TEST(local_engine, refusal_masks_the_connection_and_keeps_the_frame) {
    const local_rig& b = g_bench->main;
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
    const auto masks = g_bench->main.backend.of(fifo_op::mask);
    ASSERT_EQ(masks.size(), 4u);
    EXPECT_EQ(masks[1]->issue, 500u);
    EXPECT_EQ(masks[3]->issue, 1000u);
    // The held frame then goes: allocator attempt, SRAM read (ceil(100/32)=4 + 4), send:
    // host link ceil(100/16) = 7 cycles, then the write latency.
    const auto& w = g_bench->main.host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    EXPECT_EQ(w[1].cycle, 501u + alloc_latency + 8 + 7 + host_latency);
}

TEST(local_engine, exclusive_access_from_first_dequeue_until_queue_empty) {
    const auto& p = g_bench->main.probes;
    ASSERT_EQ(p.size(), 3u);
    EXPECT_TRUE(p[0].exclusive);
    EXPECT_EQ(p[0].exclusive_count, 1u); // connection 1's episode has ended already
    EXPECT_EQ(p[0].direct, allocator::grant::blocked);
    EXPECT_TRUE(p[1].exclusive);
    EXPECT_EQ(p[1].direct, allocator::grant::blocked);
    EXPECT_FALSE(p[2].exclusive);
    EXPECT_EQ(p[2].exclusive_count, 0u);
    EXPECT_EQ(p[2].direct, allocator::grant::ok); // direct flow resumes
    EXPECT_EQ(g_bench->main.alloc.stored(0), 0u);
    EXPECT_EQ(g_bench->main.alloc.stored(1), 0u);
}

TEST(local_engine, every_buffer_returns) {
    const local_rig& b = g_bench->main;
    EXPECT_EQ(b.local.frames(), 4u);
    EXPECT_EQ(b.local.queued(0), 0u);
    EXPECT_EQ(b.backend.of(fifo_op::release).size(), 4u);
    for (const auto* r : b.backend.of(fifo_op::release))
        EXPECT_TRUE(r->cmd.rsp.freed);
    EXPECT_EQ(b.backend.ref().check_drained(), "");
    EXPECT_FALSE(b.local.busy());
}

TEST(local_engine, a_connection_waiting_for_a_credit_is_unmasked_when_one_returns) {
    const local_rig& r = g_bench->credit;
    const auto& w = r.host_log.writes;
    ASSERT_EQ(w.size(), 2u);
    EXPECT_EQ(w[0].frame.index, 0u);
    EXPECT_LT(w[0].cycle, 500u);
    EXPECT_EQ(w[1].frame.index, 1u);
    EXPECT_EQ(r.local.grants_refused(), 1u);
    const auto masks = r.backend.of(fifo_op::mask);
    ASSERT_EQ(masks.size(), 2u);
    EXPECT_TRUE(masks[0]->cmd.masked);
    EXPECT_FALSE(masks[1]->cmd.masked);
    EXPECT_EQ(masks[1]->issue, 500u); // the credit's return is news at once
    // Then: allocator attempt, SRAM read of 200 bytes (7 + 4), host link ceil(200/16) = 13.
    EXPECT_EQ(w[1].cycle, 501u + alloc_latency + 7 + 4 + 13 + host_latency);
    EXPECT_FALSE(r.alloc.exclusive(0));
    EXPECT_EQ(r.backend.ref().check_drained(), "");
}

TEST(local_engine, drop_policy_drops_a_stored_frame_without_resources) {
    const local_rig& r = g_bench->dropper;
    EXPECT_TRUE(r.host_log.writes.empty());
    ASSERT_EQ(r.log.dropped.size(), 1u);
    const auto& d = r.log.dropped[0];
    EXPECT_EQ(d.index, 0u);
    ASSERT_TRUE(d.conn.has_value());
    EXPECT_EQ(*d.conn, 0u);
    EXPECT_EQ(d.reason, core::drop_reason::no_resources);
    EXPECT_EQ(d.data, r.frames[0]); // read back from the data store for dropped.pcap
    EXPECT_TRUE(r.backend.of(fifo_op::mask).empty()); // nothing kept, nothing masked
    // Exclusive access ended with the queue, the buffer is back, direct flow may resume.
    const probe& p = g_bench->sample_drop;
    EXPECT_FALSE(p.exclusive);
    EXPECT_EQ(p.exclusive_count, 0u);
    EXPECT_EQ(p.direct, allocator::grant::no_resources); // not blocked: only no buffer
    EXPECT_EQ(r.alloc.stored(0), 0u);
    EXPECT_EQ(r.backend.ref().check_drained(), "");
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
