// Store engine (patent 211) unit test with the real elastic FIFO reference (behind
// fifo_target and a spy), the real SRAM and receive buffer. Two independent rigs in one
// elaboration: router.no_buffer = drop and = wait.
//
// Timing per stored frame (docs/elastic_fifo.md cycle table, sram port timing):
// ALLOC 2 cycles per class tried, SRAM write ceil(orig_len / 32) + 4 latency, ENQUEUE 2;
// the receive-buffer space is freed once the SRAM write is done.
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "engine_rig.h"
#include "evr/allocator/allocator.h"
#include "evr/mem/sram.h"
#include "evr/rxbuf/receive_buffer.h"
#include "evr/store/store_engine.h"

namespace evr::test {
namespace {

constexpr std::uint32_t sram_bpc = 32;
constexpr std::uint32_t sram_latency = 4;

fifo_params small_fifo() {
    fifo_params p;
    p.classes = 2;
    p.descriptors = 4;
    p.indirect = 2;
    p.connections = 4;
    return p;
}

struct submitted {
    std::uint32_t queue;
    core::cycle_t cycle;
};

// One store engine with its own FIFO, SRAM, receive buffer and allocator.
class store_rig : public sc_core::sc_module, public engine_rig_parts {
public:
    store::store_engine store;
    driver drv{"driver", clock};
    std::vector<submitted> subs;
    std::uint32_t allocated_news = 0;

    store_rig(sc_core::sc_module_name name, bool wait_for_buffer)
        : sc_module(name), engine_rig_parts({small_fifo(),
                                             {{8, 4096}, {8, 4096}, {8, 4096}, {8, 4096}},
                                             4,
                                             2,
                                             16384,
                                             sram_bpc,
                                             sram_latency}),
          store("store", ctx, {{256, 2048}, wait_for_buffer}) {
        store.fifo_out.bind(port.cmd_in);
        store.sram_out.bind(sram.write_in);
        drv.fifo_out.bind(port.cmd_in);
        store.on_submitted = [this](std::uint32_t q) { subs.push_back({q, clock.now()}); };
        store.on_allocated = [this]() { ++allocated_news; };
    }

    // What the parser does before handing a frame to the store engine.
    void store_frame(std::uint64_t index, const bytes& b, lookup::frame_class cls,
                     std::uint32_t conn, std::uint32_t queue) {
        core::frame_slot* f = make_frame(pool, index, b, clock.now());
        f->cls = cls;
        f->conn = conn;
        rx.push(f);
        if (queues.is_numbered(queue))
            alloc.add_stored(conn);
        store.push({f, queue});
    }
};

struct bench {
    store_rig drop_rig{"drop_rig", false};
    store_rig wait_rig{"wait_rig", true};
    std::vector<bytes> frames{unicast(0x020000000001, 10, 100, 1), broadcast(10, 1000, 2),
                              unicast(0x020000000002, 10, 100, 3),
                              unicast(0x020000000009, 10, 3000, 4)};
    std::uint64_t rx_bytes_while_waiting = 0;
    std::uint64_t waits_while_waiting = 0;

    bench() {
        store_rig& r = drop_rig;
        const fifo_queues q = r.queues;
        r.drv.script = [&r, q, this](driver& d) {
            d.run_cmd(fifo_cmd::add_free(0, 0));    // 0..2: one 256-byte buffer
            d.run_cmd(fifo_cmd::add_free(1, 4096)); // 2..4: one 2048-byte buffer
            d.at(10);
            r.store_frame(0, frames[0], lookup::frame_class::known, 1, q.numbered(1));
            r.store_frame(1, frames[1], lookup::frame_class::broadcast, 0,
                          q.special(fifo_special::broadcast));
            d.at(100);
            r.store_frame(2, frames[2], lookup::frame_class::known, 2, q.numbered(2));
            d.at(200);
            r.store_frame(3, frames[3], lookup::frame_class::unknown, 0,
                          q.special(fifo_special::unknown));
            d.at(300);
            // Strict ordering diverts a known unicast through the broadcast queue and the
            // parser counts it as stored for its connection.
            r.alloc.add_stored(3);
            r.store_frame(4, frames[0], lookup::frame_class::known, 3,
                          q.special(fifo_special::broadcast));
        };
        store_rig& w = wait_rig;
        w.drv.script = [&w, q, this](driver& d) {
            d.run_cmd(fifo_cmd::add_free(0, 0)); // only one buffer, of 256 bytes
            d.at(10);
            w.store_frame(0, frames[0], lookup::frame_class::known, 1, q.numbered(1));
            d.at(30);
            w.store_frame(2, frames[2], lookup::frame_class::known, 2, q.numbered(2));
            d.at(50);
            rx_bytes_while_waiting = w.rx.bytes();
            waits_while_waiting = w.store.waits();
            // Play the local engine: take frame 0 off its queue, give its buffer back.
            d.at(100);
            const fifo_cmd deq = d.run_cmd(fifo_cmd::dequeue(q.numbered(1))); // 100..103
            d.run_cmd(fifo_cmd::release(deq.rsp.buffer));                     // 103..106
            w.alloc.remove_stored(1);
            w.store.buffer_freed();
        };
    }
};

std::unique_ptr<bench> g_bench;

const spy_backend::call& nth(const store_rig& r, fifo_op op, std::size_t n) {
    const auto calls = r.backend.of(op);
    if (n >= calls.size())
        throw std::runtime_error(std::string("missing ") + to_string(op));
    return *calls[n];
}

TEST(store_engine, stores_into_the_smallest_fitting_class_and_enqueues) {
    const store_rig& r = g_bench->drop_rig;
    const auto& a0 = nth(r, fifo_op::alloc, 0);
    EXPECT_EQ(a0.cmd.cls, 0u);
    EXPECT_EQ(a0.issue, 10u);
    EXPECT_EQ(a0.cmd.rsp.result, fifo_result::ok);
    const auto& e0 = nth(r, fifo_op::enqueue, 0);
    EXPECT_EQ(e0.issue, 12u + 4 + sram_latency); // ceil(100/32) = 4
    EXPECT_EQ(e0.cmd.queue, r.queues.numbered(1));
    EXPECT_EQ(e0.cmd.buffer, a0.cmd.rsp.buffer);
    EXPECT_EQ(e0.cmd.len, 100u);
    EXPECT_EQ(e0.cmd.tag, 0u);
    // The 1000-byte broadcast skips the 256-byte class.
    const auto& a1 = nth(r, fifo_op::alloc, 1);
    EXPECT_EQ(a1.cmd.cls, 1u);
    EXPECT_EQ(a1.issue, 22u);
    const auto& e1 = nth(r, fifo_op::enqueue, 1);
    EXPECT_EQ(e1.issue, 24u + 32 + sram_latency); // ceil(1000/32) = 32
    EXPECT_EQ(e1.cmd.queue, r.queues.special(fifo_special::broadcast));
    EXPECT_EQ(r.backend.ref().queue_count(r.queues.numbered(1)), 1u);
    EXPECT_EQ(r.backend.ref().queue_count(r.queues.special(fifo_special::broadcast)), 1u);
}

TEST(store_engine, submission_is_announced_when_the_enqueue_completes) {
    const auto& s = g_bench->drop_rig.subs;
    // Only real submissions: a dropped frame was never enqueued, and the local engine
    // counts every announcement as one more buffer on the numbered queue (a phantom one
    // would keep the connection's exclusive access from ever ending).
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0].queue, g_bench->drop_rig.queues.numbered(1));
    EXPECT_EQ(s[0].cycle, 22u);
    EXPECT_EQ(s[1].queue, g_bench->drop_rig.queues.special(fifo_special::broadcast));
    EXPECT_EQ(s[1].cycle, 62u);
}

TEST(store_engine, sram_holds_the_bytes_and_the_header_describes_them) {
    const store_rig& r = g_bench->drop_rig;
    const auto& a0 = nth(r, fifo_op::alloc, 0);
    const auto& a1 = nth(r, fifo_op::alloc, 1);
    EXPECT_EQ(a0.cmd.rsp.addr, 0u);
    EXPECT_EQ(a1.cmd.rsp.addr, 4096u);
    const bytes& f0 = g_bench->frames[0];
    const bytes& f1 = g_bench->frames[1];
    EXPECT_EQ(bytes(r.sram.peek(0), r.sram.peek(0) + f0.size()), f0);
    EXPECT_EQ(bytes(r.sram.peek(4096), r.sram.peek(4096) + f1.size()), f1);
    const core::buffer_header& h = r.headers[a0.cmd.rsp.buffer];
    EXPECT_EQ(h.index, 0u);
    EXPECT_EQ(h.orig_len, 100u);
    EXPECT_EQ(h.cap_len, 100u);
    EXPECT_EQ(h.addr, 0u);
    EXPECT_EQ(h.cls, lookup::frame_class::known);
    EXPECT_EQ(h.conn, 1u);
    EXPECT_EQ(r.headers[a1.cmd.rsp.buffer].cls, lookup::frame_class::broadcast);
    // Port time of the SRAM: the two writes only.
    EXPECT_EQ(r.sram.write_timing().busy_cycles(), 4u + 32);
}

TEST(store_engine, no_buffer_drops_with_reason_after_trying_every_fitting_class) {
    const store_rig& r = g_bench->drop_rig;
    const auto allocs = r.backend.of(fifo_op::alloc);
    // Frame 3 (3000 bytes) fits no class: no ALLOC at all; frame 4 tries both again.
    ASSERT_EQ(allocs.size(), 6u);
    EXPECT_EQ(allocs[2]->issue, 100u);
    EXPECT_EQ(allocs[2]->cmd.cls, 0u);
    EXPECT_EQ(allocs[2]->cmd.rsp.result, fifo_result::empty);
    EXPECT_EQ(allocs[3]->issue, 102u);
    EXPECT_EQ(allocs[3]->cmd.cls, 1u);
    EXPECT_EQ(allocs[3]->cmd.rsp.result, fifo_result::empty);
    const auto& drops = r.log.dropped;
    ASSERT_EQ(drops.size(), 3u);
    EXPECT_EQ(drops[0].index, 2u);
    EXPECT_EQ(drops[0].reason, core::drop_reason::no_buffer);
    EXPECT_EQ(drops[0].cycle, 104u);
    EXPECT_EQ(drops[0].data, g_bench->frames[2]);
    EXPECT_EQ(drops[1].index, 3u);
    EXPECT_EQ(drops[1].reason, core::drop_reason::no_buffer);
    EXPECT_EQ(drops[1].cycle, 200u);
    // The dropped frame no longer counts as stored: direct flow may resume at once.
    EXPECT_EQ(r.alloc.stored(2), 0u);
    EXPECT_EQ(r.alloc.stored(1), 1u); // frame 0 still waits in its numbered queue
    EXPECT_EQ(r.store.stored(), 2u);
    EXPECT_EQ(r.store.waits(), 0u);
    EXPECT_EQ(r.allocated_news, 5u); // two takes, three empty searches
}

TEST(store_engine, dropped_diverted_unicast_no_longer_counts_as_stored) {
    const store_rig& r = g_bench->drop_rig;
    ASSERT_EQ(r.log.dropped.size(), 3u);
    EXPECT_EQ(r.log.dropped[2].index, 4u);
    EXPECT_EQ(r.log.dropped[2].reason, core::drop_reason::no_buffer);
    // Otherwise connection 3's direct attempts would be refused for ever.
    EXPECT_EQ(r.alloc.stored(3), 0u);
}

TEST(store_engine, receive_buffer_freed_after_the_sram_write) {
    const store_rig& r = g_bench->drop_rig;
    EXPECT_EQ(r.rx.bytes(), 0u);
    EXPECT_EQ(r.rx.high_water_bytes(), 3000u); // frames 0+1 (1100) never met frame 3
    EXPECT_EQ(r.backend.ref().check_invariants(), "");
}

TEST(store_engine, wait_option_holds_the_frame_until_a_buffer_returns) {
    const store_rig& w = g_bench->wait_rig;
    EXPECT_TRUE(w.log.dropped.empty());
    EXPECT_EQ(w.store.waits(), 1u);
    EXPECT_EQ(g_bench->waits_while_waiting, 1u);
    // The waiting frame keeps its receive-buffer space.
    EXPECT_EQ(g_bench->rx_bytes_while_waiting, 100u);
    const auto allocs = w.backend.of(fifo_op::alloc);
    ASSERT_EQ(allocs.size(), 4u);
    EXPECT_EQ(allocs[1]->issue, 30u);
    EXPECT_EQ(allocs[1]->cmd.rsp.result, fifo_result::empty);
    EXPECT_EQ(allocs[2]->issue, 32u);
    EXPECT_EQ(allocs[2]->cmd.rsp.result, fifo_result::empty);
    // Retried in the cycle the buffer came back (RELEASE 103..106).
    EXPECT_EQ(allocs[3]->issue, 106u);
    EXPECT_EQ(allocs[3]->cmd.rsp.result, fifo_result::ok);
    ASSERT_EQ(w.subs.size(), 2u);
    EXPECT_EQ(w.subs[1].queue, w.queues.numbered(2));
    EXPECT_EQ(w.subs[1].cycle, 108u + 4 + sram_latency + 2);
    EXPECT_EQ(w.rx.bytes(), 0u);
    EXPECT_EQ(w.alloc.stored(2), 1u);
    EXPECT_EQ(w.backend.ref().queue_count(w.queues.numbered(2)), 1u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
