// Assist engine (patent 217) unit test. Real neighbours: the store engine puts special
// frames on the named queues (as the parser hands them over), the elastic FIFO reference
// behind fifo_target (spied), the SRAM, the allocator and the connection table. A driver
// plays the local engine afterwards, taking the copies off the numbered queues.
//
// Two rigs in one elaboration: one with plenty of indirect buffers, one with only two
// (a three-way fan-out loses one copy with reason no_indirect).
//
// Table: VLAN 10 holds connections 0, 1, 2; VLAN 20 holds connection 3, the default
// connection (it receives unknown unicast of VLAN 20 only, docs/lookup.md).
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "engine_rig.h"
#include "evr/allocator/allocator.h"
#include "evr/assist/assist_engine.h"
#include "evr/mem/sram.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/store/store_engine.h"

namespace evr::test {
namespace {

constexpr std::uint32_t sram_latency = 4;

fifo_params params(std::uint32_t indirect) {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 4;
    p.indirect = indirect;
    p.connections = 4;
    return p;
}

lookup::connection_table table() {
    std::vector<lookup::connection_def> c{{"a", 0x020000000001, 10, {}, {}},
                                          {"b", 0x020000000002, 10, {}, {}},
                                          {"c", 0x020000000003, 10, {}, {}},
                                          {"d", 0x020000000004, 20, {}, {}}};
    return lookup::connection_table(c, {}, 3u);
}

struct local_view {
    fifo_rsp dequeued;
    fifo_rsp released;
};

class assist_rig : public sc_core::sc_module, public engine_rig_parts {
public:
    lookup::connection_table tbl = table();
    store::store_engine store;
    assist::assist_engine assist;
    driver drv{"driver", clock};
    std::vector<std::pair<std::uint32_t, core::cycle_t>> linked; // (conn, cycle)
    std::uint32_t freed_news = 0;

    assist_rig(sc_core::sc_module_name name, std::uint32_t indirect)
        : sc_module(name), engine_rig_parts({params(indirect),
                                             {{4, 4096}, {4, 4096}, {4, 4096}, {4, 4096}},
                                             8,
                                             2,
                                             65536,
                                             32,
                                             sram_latency}),
          store("store", ctx, {{2048}, false}), assist("assist", ctx, {}, tbl) {
        store.fifo_out.bind(port.cmd_in);
        assist.fifo_out.bind(port.cmd_in);
        drv.fifo_out.bind(port.cmd_in);
        store.sram_out.bind(sram.write_in);
        assist.sram_out.bind(sram.read_in);
        store.on_submitted = [this](std::uint32_t q) { assist.submitted(q); };
        assist.on_linked = [this](std::uint32_t k) { linked.emplace_back(k, clock.now()); };
        assist.on_buffer_freed = [this]() { ++freed_news; };
    }

    // What the parser does with a frame its fast lookup could not place.
    void special(std::uint64_t index, const bytes& b, lookup::frame_class cls) {
        core::frame_slot* f = make_frame(pool, index, b, clock.now());
        f->cls = cls;
        rx.push(f);
        const auto kind = static_cast<fifo_special>(static_cast<std::uint8_t>(cls) - 1);
        store.push({f, queues.special(kind)});
    }
};

struct bench {
    assist_rig rich{"rich", 8};
    assist_rig poor{"poor", 2};
    std::vector<bytes> frames{broadcast(10, 200, 1), unicast(0x02000000aaaa, 20, 300, 2),
                              unicast(0x02000000bbbb, 10, 100, 3), broadcast(30, 100, 4)};
    std::vector<local_view> taken; // the broadcast's copies, conn 0..2
    std::uint32_t use_after_fanout = 0;
    buf_state state_after_fanout = buf_state::spare;
    std::uint32_t broadcast_buffer = 0;

    bench() {
        assist_rig& r = rich;
        r.drv.script = [&r, this](driver& d) {
            for (std::uint32_t i = 0; i < 4; ++i)
                d.run_cmd(fifo_cmd::add_free(0, i * 2048));
            d.at(10);
            r.special(0, frames[0], lookup::frame_class::broadcast);
            d.at(200);
            broadcast_buffer = r.backend.of(fifo_op::alloc).front()->cmd.rsp.buffer;
            use_after_fanout = r.backend.ref().use_count(broadcast_buffer);
            state_after_fanout = r.backend.ref().state(broadcast_buffer);
            r.special(1, frames[1], lookup::frame_class::unknown);
            d.at(400);
            r.special(2, frames[2], lookup::frame_class::unknown);
            d.at(600);
            r.special(3, frames[3], lookup::frame_class::broadcast);
            d.at(800);
            // The local engine's part: each copy off its numbered queue, then released.
            for (std::uint32_t k = 0; k < 3; ++k) {
                local_view v;
                v.dequeued = d.run_cmd(fifo_cmd::dequeue(r.queues.numbered(k))).rsp;
                v.released = d.run_cmd(fifo_cmd::release(v.dequeued.buffer)).rsp;
                taken.push_back(v);
            }
        };
        assist_rig& p = poor;
        p.drv.script = [&p, this](driver& d) {
            for (std::uint32_t i = 0; i < 4; ++i)
                d.run_cmd(fifo_cmd::add_free(0, i * 2048));
            d.at(10);
            p.special(0, frames[0], lookup::frame_class::broadcast);
        };
    }
};

std::unique_ptr<bench> g_bench;

TEST(assist_engine, broadcast_fans_out_with_one_link_per_vlan_member) {
    const assist_rig& r = g_bench->rich;
    const auto links = r.backend.of(fifo_op::link);
    ASSERT_EQ(links.size(), 3u); // the broadcast of VLAN 30 has no member: no LINK
    for (std::uint32_t k = 0; k < 3; ++k) {
        EXPECT_EQ(links[k]->cmd.queue, r.queues.numbered(k));
        EXPECT_EQ(links[k]->cmd.buffer, g_bench->broadcast_buffer);
        EXPECT_EQ(links[k]->cmd.rsp.result, fifo_result::ok);
    }
    ASSERT_FALSE(r.log.fanouts.empty());
    EXPECT_EQ(r.log.fanouts[0], (std::pair<std::uint64_t, std::uint32_t>{0, 3}));
    ASSERT_GE(r.linked.size(), 3u);
    for (std::uint32_t k = 0; k < 3; ++k)
        EXPECT_EQ(r.linked[k].first, k);
    EXPECT_EQ(r.assist.frames(), 4u);
    EXPECT_EQ(r.assist.copies(), 4u); // 3 broadcast copies + the default connection's frame
}

TEST(assist_engine, fanout_timing_dequeue_header_read_lookup_then_links) {
    const assist_rig& r = g_bench->rich;
    const auto deq = r.backend.of(fifo_op::dequeue);
    const auto links = r.backend.of(fifo_op::link);
    ASSERT_FALSE(deq.empty());
    ASSERT_EQ(links.size(), 3u);
    // The broadcast is submitted when the store engine's ENQUEUE completes.
    const auto enq = r.backend.of(fifo_op::enqueue);
    EXPECT_EQ(deq[0]->issue, enq[0]->response);
    // DEQUEUE 3, header read of 128 bytes (4 cycles + latency 4), lookup 16.
    EXPECT_EQ(links[0]->issue, deq[0]->response + 4 + sram_latency + 16);
    EXPECT_EQ(links[1]->issue, links[0]->response);
    EXPECT_EQ(links[2]->issue, links[1]->response);
    // Then the assist engine drops its own hold.
    const auto rel = r.backend.of(fifo_op::release);
    ASSERT_FALSE(rel.empty());
    EXPECT_EQ(rel[0]->issue, links[2]->response);
    EXPECT_EQ(rel[0]->cmd.buffer, g_bench->broadcast_buffer);
    EXPECT_FALSE(rel[0]->cmd.rsp.freed);
}

TEST(assist_engine, use_count_returns_the_buffer_exactly_once) {
    const bench& b = *g_bench;
    EXPECT_EQ(b.use_after_fanout, 3u);
    EXPECT_EQ(b.state_after_fanout, buf_state::linked);
    ASSERT_EQ(b.taken.size(), 3u);
    const std::vector<std::uint32_t> use{3, 2, 1};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_TRUE(b.taken[i].dequeued.is_indirect);
        EXPECT_EQ(b.taken[i].dequeued.normal, b.broadcast_buffer);
        EXPECT_EQ(b.taken[i].dequeued.use, use[i]);
        EXPECT_EQ(b.taken[i].dequeued.len, 200u);
        EXPECT_EQ(b.taken[i].released.freed, i == 2) << i; // only the last copy frees it
    }
    // Each allocator count is what the local engine will take off again.
    EXPECT_EQ(b.rich.alloc.stored(0), 1u);
    EXPECT_EQ(b.rich.alloc.stored(1), 1u);
    EXPECT_EQ(b.rich.alloc.stored(2), 1u);
}

TEST(assist_engine, unknown_unicast_goes_to_the_default_connection_of_its_vlan) {
    const assist_rig& r = g_bench->rich;
    // The normal buffer itself moves to the numbered queue: no indirect buffer for one copy.
    const auto enq = r.backend.of(fifo_op::enqueue);
    const spy_backend::call* to_default = nullptr;
    for (const auto* e : enq)
        if (e->cmd.queue == r.queues.numbered(3))
            to_default = e;
    ASSERT_NE(to_default, nullptr);
    EXPECT_EQ(to_default->cmd.tag, 1u);
    EXPECT_EQ(r.backend.ref().queue_count(r.queues.numbered(3)), 1u);
    EXPECT_EQ(r.alloc.stored(3), 1u); // counted for the order gate of connection 3
    EXPECT_EQ(r.log.fanouts[1], (std::pair<std::uint64_t, std::uint32_t>{1, 1}));
}

TEST(assist_engine, undeliverable_specials_are_dropped_with_reason_and_freed) {
    const assist_rig& r = g_bench->rich;
    ASSERT_EQ(r.log.dropped.size(), 2u);
    EXPECT_EQ(r.log.dropped[0].index, 2u);
    EXPECT_EQ(r.log.dropped[0].reason, core::drop_reason::unknown_destination);
    EXPECT_FALSE(r.log.dropped[0].conn.has_value());
    EXPECT_EQ(r.log.dropped[0].data, g_bench->frames[2]); // read back for dropped.pcap
    EXPECT_EQ(r.log.dropped[1].index, 3u);
    EXPECT_EQ(r.log.dropped[1].reason, core::drop_reason::no_member);
    EXPECT_EQ(r.freed_news, 2u); // the two drops; the broadcast was freed by the local side
    // At the end only the default connection's frame is still held in the FIFO.
    EXPECT_EQ(r.backend.ref().free_count(0), 3u);
    EXPECT_EQ(r.backend.ref().indirect_free_count(), 8u);
    EXPECT_EQ(r.backend.ref().check_invariants(), "");
}

TEST(assist_engine, no_indirect_buffer_drops_one_copy_with_reason) {
    const assist_rig& p = g_bench->poor;
    const auto links = p.backend.of(fifo_op::link);
    ASSERT_EQ(links.size(), 3u);
    EXPECT_EQ(links[2]->cmd.rsp.result, fifo_result::empty);
    ASSERT_EQ(p.log.dropped.size(), 1u);
    EXPECT_EQ(p.log.dropped[0].index, 0u);
    ASSERT_TRUE(p.log.dropped[0].conn.has_value());
    EXPECT_EQ(*p.log.dropped[0].conn, 2u);
    EXPECT_EQ(p.log.dropped[0].reason, core::drop_reason::no_indirect);
    EXPECT_EQ(p.assist.copies(), 2u);
    EXPECT_EQ(p.alloc.stored(2), 0u); // the lost copy is not waited for
    EXPECT_EQ(p.backend.ref().use_count(links[0]->cmd.buffer), 2u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
