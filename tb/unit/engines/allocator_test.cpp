// Allocator (patent 207) unit test: grants take posted receive buffers and a shared
// host-write credit; refusals keep per-connection order (claims 3, 6, 7): a direct attempt
// is refused while the connection has frames stored or is held exclusively by the local
// engine, and the local engine's own attempt ignores both. Resources coming back (re-post,
// credit) are announced by an event in the same cycle.
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/allocator/allocator.h"

namespace evr::test {
namespace {

using allocator::grant;

struct returned_news {
    core::cycle_t cycle;
    bool credit;
    std::vector<std::uint32_t> conns;
};

// Watches resources_returned() the way the local engine does.
class watcher : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(watcher);
    watcher(sc_core::sc_module_name name, const core::clock_domain& clock,
            allocator::allocator& alloc)
        : sc_module(name), m_clock(clock), m_alloc(alloc) {
        SC_THREAD(run);
    }
    std::vector<returned_news> news;

private:
    void run() {
        for (;;) {
            m_alloc.resources_returned().wait();
            returned_news n{m_clock.now(), false, {}};
            n.credit = m_alloc.take_returned(n.conns);
            news.push_back(n);
        }
    }
    const core::clock_domain& m_clock;
    allocator::allocator& m_alloc;
};

// Arbitration (docs/timing.md, "Arbitration"): the parser and the local engine attempt in
// the same cycle for the one credit left; the configured policy decides, not the order
// the kernel ran them in. A second pair of rigs plants the call-order arbiter.
struct contest {
    const core::clock_domain& clock;
    allocator::allocator alloc;
    null_fifo nowhere, nowhere2; // the drivers' FIFO sockets, unused here
    driver parser, local;
    grant parser_got = grant::ok, local_got = grant::ok;
    core::cycle_t parser_back = 0;

    contest(const std::string& name, const core::clock_domain& c, core::arbiter_policy policy,
            std::vector<std::string> order, bool local_posts_first)
        : clock(c), alloc((name + "_alloc").c_str(), c, {{4, 2048}, {4, 2048}}, 1, 1,
                          core::port_arbitration{{"parser", "local"}, policy, std::move(order)}),
          nowhere((name + "_nowhere").c_str()), nowhere2((name + "_nowhere2").c_str()),
          parser((name + "_parser").c_str(), c), local((name + "_local").c_str(), c) {
        parser.fifo_out.bind(nowhere.socket);
        local.fifo_out.bind(nowhere2.socket);
        // Both post at 9 (latency 1: decided at 9.5, back on the edge of 10); the one that
        // posts second waits a delta first.
        parser.script = [this, local_posts_first](driver& d) {
            d.at(9);
            if (local_posts_first)
                sc_core::wait(sc_core::SC_ZERO_TIME);
            parser_got = alloc.request(allocator::requester::parser, 0, 60);
            parser_back = clock.now();
        };
        local.script = [this, local_posts_first](driver& d) {
            d.at(9);
            if (!local_posts_first)
                sc_core::wait(sc_core::SC_ZERO_TIME);
            local_got = alloc.request(allocator::requester::local, 1, 60);
        };
    }
    std::string winner() const { return parser_got == grant::ok ? "parser" : "local"; }
};

// What changed on the decision's edge is seen, whichever process ran first: the VM
// re-posts in cycle 10 a delta after the parser's attempt was posted.
struct visibility {
    const core::clock_domain& clock;
    allocator::allocator alloc;
    null_fifo nowhere, nowhere2; // the drivers' FIFO sockets, unused here
    driver parser, vm;
    grant same_cycle = grant::no_resources, next_cycle = grant::ok;

    visibility(const core::clock_domain& c)
        : clock(c), alloc("vis_alloc", c, {{0, 2048}}, 4, 2), nowhere("vis_nowhere"),
          nowhere2("vis_nowhere2"), parser("vis_parser", c), vm("vis_vm", c) {
        parser.fifo_out.bind(nowhere.socket);
        vm.fifo_out.bind(nowhere2.socket);
        parser.script = [this](driver& d) {
            d.at(9);
            same_cycle = alloc.request(allocator::requester::parser, 0, 60); // decided 10.5
            d.at(19);
            next_cycle = alloc.request(allocator::requester::parser, 0, 60); // decided 20.5
        };
        vm.script = [this](driver& d) {
            d.at(10);
            sc_core::wait(sc_core::SC_ZERO_TIME);
            alloc.repost(0, 1);
            d.at(21); // one cycle after the second decision: too late for it
            alloc.repost(0, 1);
        };
    }
};

// A refused caller must not sleep through a return on the edge it resumes on (the VM
// farm's and host memory's SC_METHODs run before it waits): returned_since_decision().
struct late_news {
    allocator::allocator alloc;
    null_fifo nowhere, nowhere2;
    driver parser, vm;
    bool news_after = false, news_when_quiet = true;

    explicit late_news(const core::clock_domain& c)
        : alloc("news_alloc", c, {{0, 2048}}, 4, 1), nowhere("news_nowhere"),
          nowhere2("news_nowhere2"), parser("news_parser", c), vm("news_vm", c) {
        parser.fifo_out.bind(nowhere.socket);
        vm.fifo_out.bind(nowhere2.socket);
        parser.script = [this](driver& d) {
            d.at(40);
            alloc.request(allocator::requester::parser, 0, 60); // refused at 40.5, back at 41
            sc_core::wait(sc_core::SC_ZERO_TIME); // the re-post of 41 has surely happened
            news_after = alloc.returned_since_decision(allocator::requester::parser);
            d.at(50);
            alloc.request(allocator::requester::parser, 0, 4000); // needs 2, has 1: refused
            sc_core::wait(sc_core::SC_ZERO_TIME);
            news_when_quiet = alloc.returned_since_decision(allocator::requester::parser);
        };
        vm.script = [this](driver& d) {
            d.at(41);
            alloc.repost(0, 1);
        };
    }
};

struct bench {
    core::clock_domain clock{freq_mhz};
    // conn 0: 4 buffers of 2048 bytes; conn 1: one buffer of 4096 bytes; 2 credits.
    allocator::allocator alloc{"allocator", clock, {{4, 2048}, {1, 4096}}, 2, 3};
    watcher watch{"watcher", clock, alloc};
    null_fifo nowhere{"nowhere"};
    driver drv{"driver", clock};
    contest rr_parser_first{"rr_pf", clock, core::arbiter_policy::round_robin, {}, false};
    contest rr_local_first{"rr_lf", clock, core::arbiter_policy::round_robin, {}, true};
    contest prio{"prio", clock, core::arbiter_policy::priority, {"local", "parser"}, false};
    contest co_parser_first{"co_pf", clock, core::arbiter_policy::call_order, {}, false};
    contest co_local_first{"co_lf", clock, core::arbiter_policy::call_order, {}, true};
    visibility vis{clock};
    late_news news{clock};

    // Results in script order.
    std::vector<grant> grants;
    std::vector<std::uint32_t> posted0;
    std::vector<std::uint32_t> credits;
    std::vector<std::uint32_t> needed;

    bench() {
        drv.fifo_out.bind(nowhere.socket);
        drv.script = [this](driver& d) {
            auto record = [this](grant g) {
                grants.push_back(g);
                posted0.push_back(alloc.posted(0));
                credits.push_back(alloc.credits_in_use());
            };
            needed = {alloc.buffers_needed(0, 1500), alloc.buffers_needed(0, 2048),
                      alloc.buffers_needed(0, 2049), alloc.buffers_needed(0, 0),
                      alloc.buffers_needed(1, 9000)};
            d.at(1);
            record(alloc.try_direct(0, 4000)); // [0] ok: 2 buffers, 1 credit
            alloc.add_stored(0);
            record(alloc.try_direct(0, 60)); // [1] blocked: a frame of conn 0 is stored
            record(alloc.try_local(0, 60));  // [2] ok: the local engine ignores the order gate
            record(alloc.try_local(0, 60));  // [3] no_credit: both credits in use
            alloc.remove_stored(0);
            alloc.set_exclusive(0, true);
            record(alloc.try_direct(0, 60)); // [4] blocked: held exclusively
            alloc.set_exclusive(0, false);
            record(alloc.try_direct(0, 60)); // [5] no_credit
            d.at(10);
            alloc.return_credit();             // news at 10: a credit
            record(alloc.try_direct(1, 9000)); // [6] no_resources: needs 3 buffers, has 1
            d.at(20);
            alloc.repost(1, 2); // news at 20: conn 1
            d.cycles(1);
            record(alloc.try_direct(1, 9000)); // [7] ok
            alloc.add_stored(1);
            record(alloc.try_direct(1, 60)); // [8] blocked wins over no_resources
            alloc.remove_stored(1);
            record(alloc.try_direct(1, 60)); // [9] no_resources wins over no_credit
            d.at(30);
            alloc.return_credit(); // two pieces of news in one cycle: one wake-up
            alloc.repost(0, 1);
        };
    }
};

std::unique_ptr<bench> g_bench;

TEST(allocator, buffers_needed_rounds_up_to_whole_posted_buffers) {
    EXPECT_EQ(g_bench->needed, (std::vector<std::uint32_t>{1, 1, 2, 1, 3}));
}

TEST(allocator, grant_takes_buffers_and_a_credit) {
    const bench& b = *g_bench;
    ASSERT_EQ(b.grants.size(), 10u);
    EXPECT_EQ(b.grants[0], grant::ok);
    EXPECT_EQ(b.posted0[0], 2u); // 4000 bytes = 2 buffers of 2048
    EXPECT_EQ(b.credits[0], 1u);
}

TEST(allocator, direct_refused_while_frames_are_stored) {
    const bench& b = *g_bench;
    EXPECT_EQ(b.grants[1], grant::blocked);
    EXPECT_EQ(b.posted0[1], 2u); // a refusal takes nothing
    EXPECT_EQ(b.credits[1], 1u);
    // The local engine (which drains the stored frames) is not held back by them.
    EXPECT_EQ(b.grants[2], grant::ok);
    EXPECT_EQ(b.posted0[2], 1u);
    EXPECT_EQ(b.credits[2], 2u);
}

TEST(allocator, credits_are_shared_and_checked_after_buffers) {
    const bench& b = *g_bench;
    EXPECT_EQ(b.grants[3], grant::no_credit);
    EXPECT_EQ(b.posted0[3], 1u); // no buffer taken without a credit
    EXPECT_EQ(b.grants[5], grant::no_credit);
    EXPECT_EQ(b.grants[9], grant::no_resources); // conn 1 has 0 buffers and no credit is free
}

TEST(allocator, direct_refused_while_held_exclusively) {
    EXPECT_EQ(g_bench->grants[4], grant::blocked);
    EXPECT_FALSE(g_bench->alloc.exclusive(0));
}

TEST(allocator, order_gate_comes_before_resources) {
    EXPECT_EQ(g_bench->grants[6], grant::no_resources);
    EXPECT_EQ(g_bench->grants[7], grant::ok);
    EXPECT_EQ(g_bench->grants[8], grant::blocked);
}

TEST(allocator, returned_resources_are_announced_in_the_same_cycle) {
    const auto& news = g_bench->watch.news;
    ASSERT_EQ(news.size(), 3u);
    EXPECT_EQ(news[0].cycle, 10u);
    EXPECT_TRUE(news[0].credit);
    EXPECT_TRUE(news[0].conns.empty());
    EXPECT_EQ(news[1].cycle, 20u);
    EXPECT_FALSE(news[1].credit);
    EXPECT_EQ(news[1].conns, std::vector<std::uint32_t>{1});
    EXPECT_EQ(news[2].cycle, 30u);
    EXPECT_TRUE(news[2].credit);
    EXPECT_EQ(news[2].conns, std::vector<std::uint32_t>{0});
    EXPECT_FALSE(g_bench->alloc.has_returned()); // all news taken
}

TEST(allocator, same_cycle_attempts_are_granted_by_policy_whatever_the_posting_order) {
    for (const contest* c : {&g_bench->rr_parser_first, &g_bench->rr_local_first}) {
        SCOPED_TRACE(c->alloc.name());
        EXPECT_EQ(c->winner(), "parser"); // first in the rotation
        EXPECT_EQ(c->parser_got, grant::ok);
        EXPECT_EQ(c->local_got, grant::no_credit);
        EXPECT_EQ(c->parser_back, 10u); // posted at 9, back at 9 + latency 1
        EXPECT_EQ(c->alloc.arbiter().stats(0).grants, 1u);
        EXPECT_EQ(c->alloc.arbiter().stats(1).grants, 1u);
        EXPECT_EQ(c->alloc.arbiter().stats(1).wait_cycles, 0u); // no occupancy: same cycle
    }
    EXPECT_EQ(g_bench->prio.winner(), "local");
}

TEST(allocator, planted_call_order_arbiter_depends_on_the_posting_order) {
    EXPECT_NE(g_bench->co_parser_first.winner(), g_bench->co_local_first.winner());
}

TEST(allocator, a_repost_on_the_deciding_edge_is_seen_a_later_one_is_not) {
    EXPECT_EQ(g_bench->vis.same_cycle, grant::ok);
    // The first attempt took the buffer re-posted at 10: none left at 20.5, the one re-posted
    // at 21 comes too late.
    EXPECT_EQ(g_bench->vis.next_cycle, grant::no_resources);
}

TEST(allocator, a_return_on_the_resume_edge_is_news_for_the_refused_caller) {
    EXPECT_TRUE(g_bench->news.news_after);
    EXPECT_FALSE(g_bench->news.news_when_quiet); // nothing came back after 50.5
}

TEST(allocator, final_state) {
    const allocator::allocator& a = g_bench->alloc;
    EXPECT_EQ(a.posted(0), 2u); // 1 + the re-post at 30
    EXPECT_EQ(a.posted(1), 0u);
    EXPECT_EQ(a.credits_in_use(), 1u); // 2 taken at 1, 1 at 21; 2 returned
    EXPECT_EQ(a.stored(0), 0u);
    EXPECT_EQ(a.latency(), 3u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
