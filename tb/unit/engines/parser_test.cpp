// Parser (patent 205) unit test: the head of the addrq, its latency (parse + lookup, then
// one allocator attempt for a known connection) and its decisions under the three
// policies. Real neighbours: receive buffer, allocator, send engine + host memory, store
// engine + elastic FIFO reference + SRAM. A driver plays the adapter (frames into the
// receive buffer at chosen cycles) and the VMs (re-posts).
//
// Three rigs in one elaboration, one per policy. Table: connections 0 and 1 in VLAN 10.
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "engine_rig.h"
#include "evr/allocator/allocator.h"
#include "evr/mem/sram.h"
#include "evr/parser/parser.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/send/send_engine.h"
#include "evr/store/store_engine.h"

namespace evr::test {
namespace {

constexpr std::uint32_t parse_latency = 8;
constexpr std::uint32_t lookup_latency = 4;
constexpr std::uint32_t alloc_latency = 2;
constexpr std::uint32_t host_latency = 10;
constexpr core::cycle_t write_100 = 7; // ceil(100 / 16) cycles on the host link

fifo_params params() {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 8;
    p.indirect = 4;
    p.connections = 2;
    return p;
}

lookup::connection_table table() {
    return lookup::connection_table(
        {{"c0", 0x020000000001, 10, {}, {}}, {"c1", 0x020000000002, 10, {}, {}}}, {}, std::nullopt);
}

class parser_rig : public sc_core::sc_module, public engine_rig_parts {
public:
    lookup::connection_table tbl = table();
    write_log host_log;
    mem::host_memory host{"host", clock, 16, host_latency, host_log};
    send::send_engine send{"send", ctx};
    store::store_engine store{"store", ctx, {{2048}, false}};
    parser::parser parse;
    driver drv{"driver", clock};

    parser_rig(sc_core::sc_module_name name, parser::policy mode, std::uint32_t ring1,
               bool strict = false)
        : sc_module(name),
          engine_rig_parts({params(), {{8, 4096}, {ring1, 4096}}, 32, alloc_latency}),
          parse("parser", ctx, {parse_latency, lookup_latency, mode, strict}, tbl, send, store) {
        store.fifo_out.bind(port.cmd_in);
        drv.fifo_out.bind(port.cmd_in);
        store.sram_out.bind(sram.write_in);
        send.host_out.bind(host.write_in);
    }

    void arrive(std::uint64_t index, const bytes& b) {
        rx.push(make_frame(pool, index, b, clock.now()));
    }
    void fill_pool(driver& d) {
        for (std::uint32_t i = 0; i < 4; ++i)
            d.run_cmd(fifo_cmd::add_free(0, i * 2048));
    }
    const write_log::write* write_of(std::uint64_t index, std::size_t nth = 0) const {
        for (const auto& w : host_log.writes)
            if (w.frame.index == index && nth-- == 0)
                return &w;
        return nullptr;
    }
};

bytes to0(std::uint8_t seed) {
    return unicast(0x020000000001, 10, 100, seed);
}
bytes to1(std::uint8_t seed) {
    return unicast(0x020000000002, 10, 100, seed);
}

struct bench {
    parser_rig elastic{"elastic", parser::policy::elastic, 1};
    parser_rig dropper{"drop", parser::policy::drop, 0};
    parser_rig hol{"hol", parser::policy::hol, 0};
    parser_rig strict{"strict", parser::policy::elastic, 8, true};

    bench() {
        elastic.drv.script = [this](driver& d) {
            parser_rig& r = elastic;
            r.fill_pool(d);
            d.at(10);
            r.arrive(0, to0(0)); // direct
            r.arrive(1, to1(1)); // direct: takes connection 1's only buffer
            d.at(100);
            r.arrive(2, to1(2)); // no resources: stored
            d.at(150);
            r.alloc.repost(1, 1);
            d.at(200);
            r.arrive(3, to1(3)); // resources again, but frame 2 is stored: stored too
            d.at(300);
            r.arrive(4, broadcast(10, 100, 4)); // special: no allocator attempt
            d.at(400);
            r.arrive(5, unicast(0x02000000abcd, 10, 100, 5)); // unknown destination
        };
        dropper.drv.script = [this](driver& d) {
            parser_rig& r = dropper;
            r.fill_pool(d);
            d.at(10);
            r.arrive(0, to1(0)); // connection 1 has no buffer: dropped
            r.arrive(1, to0(1)); // direct
            d.at(50);
            r.alloc.add_stored(1); // as if a frame of connection 1 were in the store path
            d.at(100);
            r.arrive(2, to1(2)); // refused for order, not resources: stored, not dropped
        };
        strict.drv.script = [this](driver& d) {
            parser_rig& r = strict;
            r.fill_pool(d);
            d.at(10);
            r.arrive(0, broadcast(10, 100, 0)); // VLAN 10 has a special pending
            r.arrive(1, to0(1)); // follows it through the broadcast queue, not direct
            d.at(200);
            // The assist engine took both off the queue; the local engine sent frame 1.
            r.parse.special_resolved(lookup::test::parse(broadcast(10, 100, 0)));
            r.parse.special_resolved(lookup::test::parse(to0(1)));
            r.alloc.remove_stored(0);
            d.at(300);
            r.arrive(2, to0(2)); // nothing pending: direct again
        };
        hol.drv.script = [this](driver& d) {
            parser_rig& r = hol;
            r.fill_pool(d);
            d.at(10);
            r.arrive(0, to1(0)); // waits at the head for connection 1's resources
            d.at(11);
            r.arrive(1, to0(1)); // connection 0 has resources but waits behind frame 0
            d.at(500);
            r.alloc.repost(1, 1);
            d.at(600);
            r.arrive(2, broadcast(10, 100, 2)); // copy to 0 at once, copy to 1 waits
            d.at(800);
            r.alloc.repost(1, 1);
        };
    }
};

std::unique_ptr<bench> g_bench;

TEST(parser, direct_latency_parse_lookup_then_one_allocator_attempt) {
    const parser_rig& r = g_bench->elastic;
    const auto* w0 = r.write_of(0);
    ASSERT_NE(w0, nullptr);
    EXPECT_EQ(w0->frame.path, core::path_kind::direct);
    EXPECT_EQ(w0->frame.conn, 0u);
    EXPECT_EQ(w0->data, to0(0));
    EXPECT_EQ(w0->cycle,
              10u + parse_latency + lookup_latency + alloc_latency + write_100 + host_latency);
    // The head pointer moves on after the decision: the next frame's turn starts then.
    const auto* w1 = r.write_of(1);
    ASSERT_NE(w1, nullptr);
    EXPECT_EQ(w1->cycle, w0->cycle + parse_latency + lookup_latency + alloc_latency);
}

TEST(parser, refused_frames_go_to_the_numbered_queue_and_keep_order) {
    const parser_rig& r = g_bench->elastic;
    EXPECT_EQ(r.write_of(2), nullptr);
    EXPECT_EQ(r.write_of(3), nullptr);
    const auto enq = r.backend.of(fifo_op::enqueue);
    ASSERT_EQ(enq.size(), 4u);
    EXPECT_EQ(enq[0]->cmd.queue, r.queues.numbered(1));
    EXPECT_EQ(enq[0]->cmd.tag, 2u);
    // Frame 3 found a re-posted buffer but frame 2 was stored: refused (block 107).
    EXPECT_EQ(enq[1]->cmd.queue, r.queues.numbered(1));
    EXPECT_EQ(enq[1]->cmd.tag, 3u);
    EXPECT_EQ(r.alloc.stored(1), 2u);
    EXPECT_EQ(r.alloc.posted(1), 1u); // the refusal took nothing
    // The hand-over to the store engine is the allocator's answer: ALLOC at 100 + 14.
    const auto allocs = r.backend.of(fifo_op::alloc);
    ASSERT_EQ(allocs.size(), 4u);
    EXPECT_EQ(allocs[0]->issue, 100u + parse_latency + lookup_latency + alloc_latency);
}

TEST(parser, special_frames_skip_the_allocator) {
    const parser_rig& r = g_bench->elastic;
    const auto allocs = r.backend.of(fifo_op::alloc);
    const auto enq = r.backend.of(fifo_op::enqueue);
    ASSERT_EQ(allocs.size(), 4u);
    EXPECT_EQ(allocs[2]->issue, 300u + parse_latency + lookup_latency);
    EXPECT_EQ(enq[2]->cmd.queue, r.queues.special(fifo_special::broadcast));
    EXPECT_EQ(allocs[3]->issue, 400u + parse_latency + lookup_latency);
    EXPECT_EQ(enq[3]->cmd.queue, r.queues.special(fifo_special::unknown));
    EXPECT_EQ(r.parse.frames(), 6u);
    EXPECT_EQ(r.parse.direct(), 2u);
    EXPECT_EQ(r.parse.to_store(), 4u);
    EXPECT_TRUE(r.log.dropped.empty());
}

TEST(parser, drop_policy_drops_without_resources_but_stores_for_order) {
    const parser_rig& r = g_bench->dropper;
    ASSERT_EQ(r.log.dropped.size(), 1u);
    const auto& d = r.log.dropped[0];
    EXPECT_EQ(d.index, 0u);
    ASSERT_TRUE(d.conn.has_value());
    EXPECT_EQ(*d.conn, 1u);
    EXPECT_EQ(d.reason, core::drop_reason::no_resources);
    EXPECT_EQ(d.cycle, 10u + parse_latency + lookup_latency + alloc_latency);
    EXPECT_EQ(d.data, to1(0));
    ASSERT_NE(r.write_of(1), nullptr);
    const auto enq = r.backend.of(fifo_op::enqueue);
    ASSERT_EQ(enq.size(), 1u);
    EXPECT_EQ(enq[0]->cmd.tag, 2u);
    EXPECT_EQ(enq[0]->cmd.queue, r.queues.numbered(1));
    EXPECT_EQ(r.rx.bytes(), 0u);
}

TEST(parser, hol_policy_blocks_everything_behind_the_head) {
    const parser_rig& r = g_bench->hol;
    const auto& w = r.host_log.writes;
    ASSERT_EQ(w.size(), 4u);
    // Frame 1 (connection 0 had resources all along) waited behind frame 0.
    EXPECT_EQ(w[0].frame.index, 0u);
    EXPECT_EQ(w[0].cycle, 500u + alloc_latency + write_100 + host_latency);
    EXPECT_EQ(w[1].frame.index, 1u);
    EXPECT_EQ(w[1].cycle,
              502u + parse_latency + lookup_latency + alloc_latency + write_100 + host_latency);
    // The broadcast: the copy to connection 0 goes, the copy to connection 1 waits.
    EXPECT_EQ(w[2].frame.index, 2u);
    EXPECT_EQ(w[2].frame.conn, 0u);
    EXPECT_EQ(w[2].cycle,
              600u + parse_latency + lookup_latency + alloc_latency + write_100 + host_latency);
    EXPECT_EQ(w[3].frame.index, 2u);
    EXPECT_EQ(w[3].frame.conn, 1u);
    EXPECT_EQ(w[3].cycle, 800u + alloc_latency + write_100 + host_latency);
    EXPECT_EQ(w[3].data, broadcast(10, 100, 2));
    ASSERT_EQ(r.log.fanouts.size(), 1u);
    EXPECT_EQ(r.log.fanouts[0], (std::pair<std::uint64_t, std::uint32_t>{2, 2}));
    EXPECT_EQ(r.parse.hol_waits(), 2u);
    EXPECT_TRUE(r.backend.of(fifo_op::alloc).empty()); // hol never uses the elastic FIFO
    EXPECT_EQ(r.rx.bytes(), 0u); // the broadcast's space freed after its second copy
}

TEST(parser, strict_ordering_sends_unicast_behind_pending_specials_of_its_vlan) {
    const parser_rig& r = g_bench->strict;
    const auto enq = r.backend.of(fifo_op::enqueue);
    ASSERT_EQ(enq.size(), 2u);
    for (std::uint32_t i = 0; i < 2; ++i) {
        EXPECT_EQ(enq[i]->cmd.queue, r.queues.special(fifo_special::broadcast)) << i;
        EXPECT_EQ(enq[i]->cmd.tag, i);
    }
    // No allocator attempt for the diverted frame: handed over right after parse + lookup.
    const auto allocs = r.backend.of(fifo_op::alloc);
    ASSERT_EQ(allocs.size(), 2u);
    EXPECT_EQ(allocs[1]->issue, 10u + 2 * (parse_latency + lookup_latency));
    EXPECT_EQ(r.write_of(1), nullptr);
    const auto* w2 = r.write_of(2);
    ASSERT_NE(w2, nullptr);
    EXPECT_EQ(w2->frame.path, core::path_kind::direct);
    EXPECT_EQ(w2->cycle,
              300u + parse_latency + lookup_latency + alloc_latency + write_100 + host_latency);
    EXPECT_EQ(r.parse.direct(), 1u);
    EXPECT_EQ(r.parse.to_store(), 2u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
