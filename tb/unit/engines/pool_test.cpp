// Pool manager unit test with the real elastic FIFO reference behind fifo_target (spied):
// the start-up fill, growth from the SRAM reserve when a class's free count falls below
// grow_below (at most grow_step per look, at most one look per interval), exhaustion of
// the reserve, shrinking back above shrink_above, and the footprint following the load.
//
// Data store: 10240 bytes, 2048 of them reserve. Classes 256 and 1024 bytes with shares
// 0.25 / 0.75 of the 8192-byte region: 8 and 6 buffers at start. The reserve holds 8 more
// 256-byte blocks. grow_below 4, grow_step 2, shrink_above 8, interval 50 cycles.
// A driver plays the store engine (ALLOC + poke) and the local engine (RELEASE + poke).
// A second manager checks that a poke arriving while a visit is under way is not lost
// (regression for the fix in 24fb9d7: growth could be missed for good).
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/pool/pool_manager.h"

namespace evr::test {
namespace {

pool::pool_params pool_params() {
    pool::pool_params p;
    p.classes = {256, 1024};
    p.shares = {0.25, 0.75};
    p.sram_bytes = 10240;
    p.reserve_bytes = 2048;
    p.grow_below = 4;
    p.grow_step = 2;
    p.shrink_above = 8;
    p.interval_cycles = 50;
    return p;
}

fifo_params params() {
    fifo_params p;
    p.classes = 2;
    p.descriptors = pool::descriptors_needed(pool_params());
    p.indirect = 1;
    p.connections = 1;
    return p;
}

struct footprint_sample {
    core::cycle_t cycle;
    std::uint64_t footprint;
    std::uint64_t reserve_free;
    std::uint32_t free0;
};

// A second manager for the poke that arrives during a visit: one class of 16 buffers,
// 8 more in the reserve, grow_below 6, grow_step 2.
pool::pool_params visit_params() {
    pool::pool_params p;
    p.classes = {256};
    p.shares = {1.0};
    p.sram_bytes = 6144;
    p.reserve_bytes = 2048;
    p.grow_below = 6;
    p.grow_step = 2;
    p.shrink_above = 100;
    p.interval_cycles = 50;
    return p;
}

fifo_params visit_fifo() {
    fifo_params p;
    p.classes = 1;
    p.descriptors = pool::descriptors_needed(visit_params());
    p.indirect = 1;
    p.connections = 1;
    return p;
}

struct bench {
    core::clock_domain clock{freq_mhz};
    // The poke-during-a-visit rig.
    spy_backend visit_backend{visit_fifo()};
    fifo_target visit_port{"visit_fifo", clock.period(), visit_backend};
    pool::pool_manager visit_pm{"visit_pool", clock, visit_params(), fifo_queues(visit_fifo())};
    driver visit_drv{"visit_driver", clock};
    core::cycle_t last_visit_alloc = 0;

    fifo_queues queues{params()};
    spy_backend backend{params()};
    fifo_target port{"fifo", clock.period(), backend};
    pool::pool_manager pm{"pool", clock, pool_params(), queues};
    driver drv{"driver", clock};

    core::cycle_t ready_at = 0;
    std::uint32_t grown_news = 0;
    std::vector<footprint_sample> samples;
    std::vector<std::uint32_t> held;
    std::uint32_t allocs_ok = 0;
    std::uint32_t first_empty_after = 0; // successful ALLOCs before the first EMPTY
    std::uint32_t allocs_at_full = 0;

    bench() {
        pm.fifo_out.bind(port.cmd_in);
        drv.fifo_out.bind(port.cmd_in);
        pm.on_grown = [this]() { ++grown_news; };
        visit_pm.fifo_out.bind(visit_port.cmd_in);
        visit_drv.fifo_out.bind(visit_port.cmd_in);
        visit_drv.script = [this](driver& d) {
            d.at(100);
            for (int i = 0; i < 13; ++i) { // 16 -> 3 free
                d.run_cmd(fifo_cmd::alloc(0));
                visit_pm.poke();
            }
            // Wait for the look that grows the pool, then take one buffer while its
            // ADD_FREEs are under way; the poke lands inside the visit. Afterwards the
            // pool is below grow_below again and nobody pokes any more.
            while (visit_backend.of(fifo_op::add_free).size() <= 16)
                d.cycles(1);
            d.run_cmd(fifo_cmd::alloc(0));
            visit_pm.poke();
            last_visit_alloc = d.now();
        };
        drv.script = [this](driver& d) {
            wait(pm.ready());
            ready_at = d.now();
            d.at(50);
            sample(d);
            d.at(100);
            for (int i = 0; i < 5; ++i)
                take(d); // free 8 -> 3: below grow_below
            d.at(300);
            // Keep taking until the reserve is exhausted and the pool stays empty.
            while (d.now() < 1500) {
                take(d);
                d.cycles(10);
            }
            allocs_at_full = allocs_ok;
            sample(d);
            d.at(2000);
            for (std::uint32_t b : held) {
                d.run_cmd(fifo_cmd::release(b));
                pm.poke();
            }
            held.clear();
            d.at(2500);
            sample(d);
            d.at(3000);
            for (int i = 0; i < 5; ++i)
                take(d); // free 8 -> 3 again: grows from the returned blocks
            d.at(3200);
            sample(d);
        };
    }

    void take(driver& d) {
        const fifo_cmd c = d.run_cmd(fifo_cmd::alloc(0));
        pm.poke();
        if (c.rsp.result == fifo_result::ok) {
            held.push_back(c.rsp.buffer);
            ++allocs_ok;
        } else if (first_empty_after == 0) {
            first_empty_after = allocs_ok;
        }
    }

    void sample(driver& d) {
        samples.push_back(
            {d.now(), pm.footprint_bytes(), pm.reserve_free_bytes(), backend.ref().free_count(0)});
    }
};

std::unique_ptr<bench> g_bench;

std::vector<const spy_backend::call*> add_frees() {
    return g_bench->backend.of(fifo_op::add_free);
}

TEST(pool_manager, startup_fill_lays_the_classes_out_in_order) {
    const auto adds = add_frees();
    ASSERT_GE(adds.size(), 14u);
    for (std::uint32_t i = 0; i < 14; ++i) {
        const bool small = i < 8;
        EXPECT_EQ(adds[i]->cmd.cls, small ? 0u : 1u) << i;
        EXPECT_EQ(adds[i]->cmd.addr, small ? i * 256 : 2048 + (i - 8) * 1024) << i;
        EXPECT_EQ(adds[i]->issue, 2u * i) << i; // back to back, 2 cycles each
    }
    EXPECT_EQ(g_bench->ready_at, 28u); // traffic may start when the fill is done
    EXPECT_EQ(g_bench->pm.initial_buffers(0), 8u);
    EXPECT_EQ(g_bench->pm.initial_buffers(1), 6u);
    EXPECT_EQ(params().descriptors, 8u + 8 + 6 + 2);
    ASSERT_FALSE(g_bench->samples.empty());
    EXPECT_EQ(g_bench->samples[0].footprint, 8192u);
    EXPECT_EQ(g_bench->samples[0].reserve_free, 2048u);
}

TEST(pool_manager, grows_from_the_reserve_below_the_threshold) {
    const auto& calls = g_bench->backend.calls;
    // The first look after a poke at 102 (no earlier look to space it from) saw 6 free; the
    // next is one interval later and sees the 3 left after five ALLOCs.
    std::size_t grow = calls.size();
    for (std::size_t i = 0; i < calls.size(); ++i)
        if (calls[i].cmd.op == fifo_op::add_free && calls[i].issue > 100) {
            grow = i;
            break;
        }
    ASSERT_LT(grow + 2, calls.size());
    const auto& status = calls[grow - 1];
    EXPECT_EQ(status.cmd.op, fifo_op::status);
    EXPECT_EQ(status.cmd.queue, 0u);
    EXPECT_EQ(status.cmd.rsp.count, 3u);
    EXPECT_EQ(status.issue, 152u);
    EXPECT_EQ(calls[grow].cmd.addr, 8192u); // the reserve starts after the region
    EXPECT_EQ(calls[grow].cmd.cls, 0u);
    EXPECT_EQ(calls[grow].issue, 153u);
    EXPECT_EQ(calls[grow + 1].cmd.op, fifo_op::add_free);
    EXPECT_EQ(calls[grow + 1].cmd.addr, 8448u);
    EXPECT_EQ(calls[grow + 2].cmd.op, fifo_op::status); // grow_step 2: then class 1
}

// A look starts interval_cycles after the previous one began; its STATUS may then wait for
// a command already on the shared port (at most 3 cycles), so issue cycles may be closer.
TEST(pool_manager, looks_at_most_once_per_interval) {
    std::vector<std::uint64_t> looks;
    for (const auto* s : g_bench->backend.of(fifo_op::status))
        if (s->cmd.queue == 0)
            looks.push_back(s->issue);
    ASSERT_GE(looks.size(), 3u);
    for (std::size_t i = 1; i < looks.size(); ++i)
        EXPECT_GE(looks[i] - looks[i - 1], 50u - 3) << i;
}

TEST(pool_manager, reserve_exhaustion_stops_growth) {
    const bench& b = *g_bench;
    ASSERT_GE(b.samples.size(), 2u);
    const footprint_sample& full = b.samples[1];
    EXPECT_EQ(full.footprint, 10240u); // the whole data store
    EXPECT_EQ(full.reserve_free, 0u);
    EXPECT_EQ(full.free0, 0u);
    EXPECT_EQ(b.allocs_at_full, 16u); // 8 at start + 8 from the reserve
    // Growth is paced (grow_step per interval): a fast taker sees EMPTY before that.
    EXPECT_GT(b.first_empty_after, 8u);
    EXPECT_LT(b.first_empty_after, 16u);
    EXPECT_EQ(b.pm.high_water_footprint(), 10240u);
}

TEST(pool_manager, shrinks_above_the_threshold_and_footprint_follows_the_load) {
    const bench& b = *g_bench;
    ASSERT_EQ(b.samples.size(), 4u);
    const footprint_sample& idle = b.samples[2];
    EXPECT_EQ(idle.free0, 8u); // shrink_above
    EXPECT_EQ(idle.footprint, 8192u);
    EXPECT_EQ(idle.reserve_free, 2048u);
    EXPECT_EQ(b.pm.shrunk(), 8u);
    for (const auto* r : b.backend.of(fifo_op::remove_free)) {
        EXPECT_EQ(r->cmd.cls, 0u);
        EXPECT_EQ(r->cmd.rsp.result, fifo_result::ok);
    }
}

TEST(pool_manager, regrowth_reuses_returned_blocks) {
    const bench& b = *g_bench;
    const auto removes = b.backend.of(fifo_op::remove_free);
    const auto adds = add_frees();
    ASSERT_FALSE(removes.empty());
    ASSERT_GE(removes.size(), 2u);
    const auto& first = *adds[adds.size() - 2];
    const auto& second = *adds.back();
    EXPECT_GT(first.issue, 3000u);
    // Last returned, first reused.
    EXPECT_EQ(first.cmd.addr, removes.back()->cmd.rsp.addr);
    EXPECT_EQ(second.cmd.addr, removes[removes.size() - 2]->cmd.rsp.addr);
    EXPECT_EQ(b.pm.grown(), 10u);
    EXPECT_EQ(b.samples[3].footprint, 8192u + 512);
    EXPECT_EQ(b.grown_news, 5u); // 4 grows to exhaustion + 1 regrowth, 2 buffers each
    EXPECT_EQ(b.backend.ref().check_invariants(), "");
}

TEST(pool_manager, a_poke_during_a_visit_is_looked_at_next_interval) {
    const bench& b = *g_bench;
    const auto adds = b.visit_backend.of(fifo_op::add_free);
    ASSERT_GE(adds.size(), 18u);
    // The poke came while the growing visit was still issuing its ADD_FREEs.
    EXPECT_LT(b.last_visit_alloc, adds[17]->response);
    EXPECT_GT(b.last_visit_alloc, adds[16]->issue);
    // 3 + 2 - 1 = 4 free, below grow_below: a later look must grow the pool again.
    EXPECT_EQ(b.visit_pm.grown(), 4u);
    EXPECT_EQ(adds.size(), 20u);
    EXPECT_EQ(b.visit_backend.ref().free_count(0), 6u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start(sc_core::sc_time(20, sc_core::SC_US)); // the manager never ends
    return RUN_ALL_TESTS();
}
