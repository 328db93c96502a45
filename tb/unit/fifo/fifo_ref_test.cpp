// Directed tests of the elastic FIFO reference against docs/elastic_fifo.md.
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <vector>

#include "evr/common/error.h"
#include "evr/fifo/elastic_fifo_ref.h"

namespace evr {
namespace {

// Everything observable, so "state unchanged" after an error is one comparison.
std::string snapshot(const elastic_fifo_ref& f) {
    std::ostringstream os;
    for (uint32_t q = 0; q < f.queues().count(); ++q)
        os << "q" << q << ":" << f.queue_count(q) << "/" << f.high_water(q) << " ";
    for (uint32_t b = 0; b < f.buffer_count(); ++b) {
        os << "b" << b << ":" << to_string(f.state(b));
        if (f.is_normal(b))
            os << "/" << f.use_count(b);
        os << " ";
    }
    for (uint32_t k = 0; k < f.params().connections; ++k)
        os << f.masked(k);
    os << " rr=" << f.pick_pointer() << " held=" << f.held() << " spare=" << f.spare_count();
    return os.str();
}

class fifo_ref : public ::testing::Test {
protected:
    static fifo_params small() {
        fifo_params p;
        p.classes = 2;
        p.descriptors = 16;
        p.indirect = 8;
        p.connections = 70; // crosses a 64-bit word of the PICK bitset
        return p;
    }

    // Executes and checks the latency against the contract's table on every command.
    fifo_cmd run(fifo_cmd cmd) {
        const unsigned l = m_fifo.execute(cmd);
        EXPECT_EQ(l, latency(cmd.op)) << to_string(cmd);
        return cmd;
    }
    fifo_cmd ok(fifo_cmd cmd) {
        cmd = run(cmd);
        EXPECT_EQ(cmd.rsp.result, fifo_result::ok) << to_string(cmd) << " " << m_fifo.last_error();
        return cmd;
    }
    void empty(fifo_cmd cmd) {
        cmd = run(cmd);
        EXPECT_EQ(cmd.rsp.result, fifo_result::empty) << to_string(cmd);
    }
    uint32_t add(uint32_t cls, uint32_t addr) {
        return ok(fifo_cmd::add_free(cls, addr)).rsp.buffer;
    }
    uint32_t alloc(uint32_t cls) { return ok(fifo_cmd::alloc(cls)).rsp.buffer; }
    uint32_t numbered(uint32_t k) const { return m_fifo.queues().numbered(k); }
    uint32_t special(fifo_special s) const { return m_fifo.queues().special(s); }
    void expect_consistent() { EXPECT_EQ(m_fifo.check_invariants(), ""); }

    elastic_fifo_ref m_fifo{small()};
};

TEST(fifo_cmd_test, latency_table) {
    EXPECT_EQ(latency(fifo_op::alloc), 2u);
    EXPECT_EQ(latency(fifo_op::enqueue), 2u);
    EXPECT_EQ(latency(fifo_op::dequeue), 3u);
    EXPECT_EQ(latency(fifo_op::release), 3u);
    EXPECT_EQ(latency(fifo_op::link), 3u);
    EXPECT_EQ(latency(fifo_op::add_free), 2u);
    EXPECT_EQ(latency(fifo_op::remove_free), 2u);
    EXPECT_EQ(latency(fifo_op::pick), 1u);
    EXPECT_EQ(latency(fifo_op::mask), 1u);
    EXPECT_EQ(latency(fifo_op::status), 1u);
}

TEST(fifo_cmd_test, queue_index_space) {
    const fifo_queues q(3, 10);
    EXPECT_EQ(q.free_pool(2), 2u);
    EXPECT_EQ(q.indirect_pool(), 3u);
    EXPECT_EQ(q.special(fifo_special::broadcast), 4u);
    EXPECT_EQ(q.special(fifo_special::multicast), 5u);
    EXPECT_EQ(q.special(fifo_special::arp), 6u);
    EXPECT_EQ(q.special(fifo_special::unknown), 7u);
    EXPECT_EQ(q.numbered(0), 8u);
    EXPECT_EQ(q.numbered(9), 17u);
    EXPECT_EQ(q.count(), 18u);
    EXPECT_TRUE(q.is_free_pool(3));
    EXPECT_FALSE(q.is_free_pool(4));
    EXPECT_TRUE(q.is_special(7));
    EXPECT_FALSE(q.is_special(8));
    EXPECT_TRUE(q.is_numbered(8));
    EXPECT_TRUE(q.is_numbered(17));
    EXPECT_FALSE(q.is_numbered(18));
    EXPECT_FALSE(q.is_valid(18));
    EXPECT_EQ(q.connection_of(17), 9u);
}

TEST(fifo_cmd_test, to_string_names_command_and_operands) {
    fifo_cmd c = fifo_cmd::enqueue(9, 3, 64, 7);
    EXPECT_EQ(to_string(c), "ENQUEUE q=9 b=3 len=64 tag=7 -> OK");
    c.rsp.result = fifo_result::error;
    c.rsp.error = fifo_error::buffer_is_free;
    EXPECT_EQ(to_string(c), "ENQUEUE q=9 b=3 len=64 tag=7 -> ERROR (buffer is on its free pool)");
    fifo_cmd d = fifo_cmd::dequeue(12);
    d.rsp.buffer = 20;
    d.rsp.is_indirect = true;
    d.rsp.normal = 4;
    d.rsp.use = 2;
    EXPECT_NE(to_string(d).find("DEQUEUE q=12 -> OK b=20 indirect n=4"), std::string::npos);
}

TEST(fifo_params_test, validate_names_the_key) {
    fifo_params p;
    EXPECT_NO_THROW(p.validate());
    p.classes = 0;
    EXPECT_THROW(elastic_fifo_ref{p}, input_error);
    p = fifo_params{};
    p.descriptors = 0;
    try {
        p.validate();
        FAIL() << "no error";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find("fifo.descriptors"), std::string::npos);
    }
    p = fifo_params{};
    p.indirect = 0xffffffffu;
    EXPECT_THROW(p.validate(), input_error);
    p = fifo_params{};
    p.indirect = 0; // no fan-out at all is a legal configuration
    EXPECT_NO_THROW(p.validate());
}

TEST_F(fifo_ref, reset_state) {
    for (uint32_t b = 0; b < 16; ++b)
        EXPECT_EQ(m_fifo.state(b), buf_state::spare);
    for (uint32_t b = 16; b < 24; ++b)
        EXPECT_EQ(m_fifo.state(b), buf_state::free);
    EXPECT_EQ(m_fifo.indirect_free_count(), 8u);
    EXPECT_EQ(m_fifo.free_count(0), 0u);
    EXPECT_EQ(m_fifo.spare_count(), 16u);
    EXPECT_EQ(m_fifo.live_normal(), 0u);
    EXPECT_EQ(m_fifo.held(), 0u);
    EXPECT_EQ(m_fifo.pick_pointer(), 69u);
    for (uint32_t q = 0; q < m_fifo.queues().count(); ++q)
        EXPECT_EQ(m_fifo.high_water(q), q == m_fifo.queues().indirect_pool() ? 8u : 0u) << q;
    empty(fifo_cmd::pick());
    empty(fifo_cmd::alloc(0));
    expect_consistent();
    EXPECT_EQ(m_fifo.check_drained(), "");
}

TEST_F(fifo_ref, add_free_binds_spares_in_ascending_order_until_empty) {
    for (uint32_t i = 0; i < 16; ++i) {
        const fifo_cmd c = ok(fifo_cmd::add_free(i % 2, 0x1000 + 0x100 * i));
        EXPECT_EQ(c.rsp.buffer, i);
    }
    empty(fifo_cmd::add_free(0, 0x9000));
    EXPECT_EQ(m_fifo.free_count(0), 8u);
    EXPECT_EQ(m_fifo.free_count(1), 8u);
    EXPECT_EQ(m_fifo.live_normal(), 16u);
    // REMOVE_FREE hands the addresses back in FIFO order of the pool.
    for (uint32_t i = 0; i < 8; ++i) {
        const fifo_cmd c = ok(fifo_cmd::remove_free(1));
        EXPECT_EQ(c.rsp.buffer, 2 * i + 1);
        EXPECT_EQ(c.rsp.addr, 0x1000 + 0x100 * (2 * i + 1));
        EXPECT_EQ(m_fifo.state(c.rsp.buffer), buf_state::spare);
    }
    empty(fifo_cmd::remove_free(1));
    // The spare list is FIFO too: the first descriptor given back is bound first.
    EXPECT_EQ(add(0, 0xa000), 1u);
    EXPECT_EQ(add(0, 0xb000), 3u);
    expect_consistent();
}

TEST_F(fifo_ref, free_pools_are_fifo) {
    for (uint32_t i = 0; i < 4; ++i)
        add(0, 0x100 * i);
    EXPECT_EQ(alloc(0), 0u);
    EXPECT_EQ(alloc(0), 1u);
    EXPECT_EQ(alloc(0), 2u);
    EXPECT_EQ(m_fifo.use_count(2), 1u);
    EXPECT_TRUE(ok(fifo_cmd::release(2)).rsp.freed);
    EXPECT_TRUE(ok(fifo_cmd::release(0)).rsp.freed);
    // Pool is now 3, 2, 0: released buffers go to the tail.
    EXPECT_EQ(alloc(0), 3u);
    EXPECT_EQ(alloc(0), 2u);
    EXPECT_EQ(alloc(0), 0u);
    empty(fifo_cmd::alloc(0));
    empty(fifo_cmd::alloc(1)); // other class untouched and empty
    EXPECT_EQ(m_fifo.held(), 4u);
    expect_consistent();
}

TEST_F(fifo_ref, enqueue_dequeue_round_trip_keeps_order) {
    for (uint32_t i = 0; i < 6; ++i)
        add(1, 0x4000 + 0x800 * i);
    const uint32_t q = numbered(65);
    std::vector<uint32_t> order;
    for (uint32_t i = 0; i < 6; ++i) {
        const uint32_t b = alloc(1);
        order.push_back(b);
        ok(fifo_cmd::enqueue(q, b, 60 + i, 1000 + i));
        EXPECT_EQ(m_fifo.state(b), buf_state::queued);
    }
    EXPECT_EQ(m_fifo.queue_count(q), 6u);
    EXPECT_EQ(m_fifo.held(), 0u);
    for (uint32_t i = 0; i < 6; ++i) {
        const fifo_cmd c = ok(fifo_cmd::dequeue(q));
        EXPECT_EQ(c.rsp.buffer, order[i]);
        EXPECT_FALSE(c.rsp.is_indirect);
        EXPECT_EQ(c.rsp.normal, order[i]);
        EXPECT_EQ(c.rsp.len, 60 + i);
        EXPECT_EQ(c.rsp.tag, 1000 + i);
        EXPECT_EQ(c.rsp.use, 1u);
        EXPECT_EQ(c.rsp.addr, 0x4000 + 0x800 * order[i]);
        const fifo_cmd r = ok(fifo_cmd::release(c.rsp.buffer));
        EXPECT_TRUE(r.rsp.freed);
        EXPECT_EQ(r.rsp.normal, order[i]);
    }
    empty(fifo_cmd::dequeue(q));
    EXPECT_EQ(m_fifo.free_count(1), 6u);
    EXPECT_EQ(m_fifo.check_drained(), "");
}

TEST_F(fifo_ref, special_queues_and_requeue_of_a_held_buffer) {
    add(0, 0x10);
    const uint32_t b = alloc(0);
    ok(fifo_cmd::enqueue(special(fifo_special::unknown), b, 99, 5));
    // The assist engine resolves the connection and moves the frame on.
    const fifo_cmd d = ok(fifo_cmd::dequeue(special(fifo_special::unknown)));
    EXPECT_EQ(d.rsp.buffer, b);
    ok(fifo_cmd::enqueue(numbered(3), b, 99, 5));
    EXPECT_EQ(m_fifo.queue_count(numbered(3)), 1u);
    EXPECT_EQ(m_fifo.queue_count(special(fifo_special::unknown)), 0u);
    expect_consistent();
}

TEST_F(fifo_ref, alloc_returns_the_buffer_sram_address) {
    add(0, 0x40);
    add(0, 0x80);
    EXPECT_EQ(ok(fifo_cmd::alloc(0)).rsp.addr, 0x40u);
    EXPECT_EQ(ok(fifo_cmd::alloc(0)).rsp.addr, 0x80u);
}

TEST_F(fifo_ref, alloc_resets_len_and_tag) {
    add(0, 0x10);
    uint32_t b = alloc(0);
    ok(fifo_cmd::enqueue(numbered(0), b, 77, 88));
    ok(fifo_cmd::dequeue(numbered(0)));
    ok(fifo_cmd::release(b));
    b = alloc(0);
    ok(fifo_cmd::link(numbered(1), b)); // LINK does not write len/tag
    const fifo_cmd d = ok(fifo_cmd::dequeue(numbered(1)));
    EXPECT_EQ(d.rsp.len, 0u);
    EXPECT_EQ(d.rsp.tag, 0u);
}

TEST_F(fifo_ref, fan_out_to_zero_targets_frees_at_the_final_release) {
    add(0, 0x10);
    const uint32_t n = alloc(0);
    ok(fifo_cmd::enqueue(special(fifo_special::broadcast), n, 64, 1));
    ok(fifo_cmd::dequeue(special(fifo_special::broadcast)));
    const fifo_cmd r = ok(fifo_cmd::release(n));
    EXPECT_TRUE(r.rsp.freed);
    EXPECT_EQ(m_fifo.free_count(0), 1u);
}

TEST_F(fifo_ref, link_is_empty_without_indirect_buffers) {
    add(0, 0x10);
    const uint32_t n = alloc(0);
    for (uint32_t i = 0; i < 8; ++i) {
        const fifo_cmd c = ok(fifo_cmd::link(numbered(i), n));
        EXPECT_EQ(c.rsp.buffer, 16 + i); // indirect pool in ascending order after reset
    }
    EXPECT_EQ(m_fifo.use_count(n), 9u);
    const std::string before = snapshot(m_fifo);
    empty(fifo_cmd::link(numbered(9), n));
    EXPECT_EQ(snapshot(m_fifo), before);
    // Indirect buffers come back to the tail of their pool.
    ok(fifo_cmd::dequeue(numbered(2)));
    EXPECT_FALSE(ok(fifo_cmd::release(18)).rsp.freed);
    EXPECT_EQ(ok(fifo_cmd::link(numbered(9), n)).rsp.buffer, 18u);
    expect_consistent();
}

TEST_F(fifo_ref, dequeue_of_an_indirect_buffer_reports_its_normal_buffer) {
    add(1, 0x7700);
    const uint32_t n = alloc(1);
    ok(fifo_cmd::enqueue(special(fifo_special::multicast), n, 128, 42));
    ok(fifo_cmd::dequeue(special(fifo_special::multicast)));
    const uint32_t i = ok(fifo_cmd::link(numbered(7), n)).rsp.buffer;
    ok(fifo_cmd::release(n));
    EXPECT_EQ(m_fifo.state(n), buf_state::linked);
    const fifo_cmd d = ok(fifo_cmd::dequeue(numbered(7)));
    EXPECT_EQ(d.rsp.buffer, i);
    EXPECT_TRUE(d.rsp.is_indirect);
    EXPECT_EQ(d.rsp.normal, n);
    EXPECT_EQ(d.rsp.len, 128u);
    EXPECT_EQ(d.rsp.tag, 42u);
    EXPECT_EQ(d.rsp.use, 1u);
    EXPECT_EQ(d.rsp.addr, 0x7700u);
    const fifo_cmd r = ok(fifo_cmd::release(i));
    EXPECT_TRUE(r.rsp.freed);
    EXPECT_EQ(r.rsp.normal, n);
    EXPECT_EQ(m_fifo.check_drained(), "");
}

TEST(fifo_ref_fan_out, one_buffer_to_1000_connections_returns_exactly_once) {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 4;
    p.indirect = 1200;
    p.connections = 1100;
    elastic_fifo_ref f(p);
    const fifo_queues& qs = f.queues();
    fifo_cmd c = fifo_cmd::add_free(0, 0x8000);
    f.execute(c);
    c = fifo_cmd::alloc(0);
    f.execute(c);
    const uint32_t n = c.rsp.buffer;
    c = fifo_cmd::enqueue(qs.special(fifo_special::broadcast), n, 64, 9);
    f.execute(c);
    c = fifo_cmd::dequeue(qs.special(fifo_special::broadcast));
    f.execute(c);
    ASSERT_EQ(c.rsp.use, 1u);
    for (uint32_t k = 0; k < p.connections; ++k) {
        c = fifo_cmd::link(qs.numbered(k), n);
        f.execute(c);
        ASSERT_EQ(c.rsp.result, fifo_result::ok) << k;
        ASSERT_EQ(f.use_count(n), 2 + k);
    }
    EXPECT_EQ(f.check_invariants(), "");
    c = fifo_cmd::release(n); // the assist engine drops its own hold
    f.execute(c);
    EXPECT_FALSE(c.rsp.freed);
    EXPECT_EQ(f.use_count(n), p.connections);
    EXPECT_EQ(f.state(n), buf_state::linked);
    EXPECT_EQ(f.check_invariants(), "");
    // Served in a scrambled connection order: only the very last release frees n.
    for (uint32_t j = 0; j < p.connections; ++j) {
        const uint32_t k = (j * 7 + 3) % p.connections; // 7 is coprime with 1100
        c = fifo_cmd::dequeue(qs.numbered(k));
        f.execute(c);
        ASSERT_EQ(c.rsp.result, fifo_result::ok) << k;
        ASSERT_TRUE(c.rsp.is_indirect);
        ASSERT_EQ(c.rsp.normal, n);
        ASSERT_EQ(c.rsp.use, p.connections - j);
        ASSERT_EQ(c.rsp.tag, 9u);
        c = fifo_cmd::release(c.rsp.buffer);
        f.execute(c);
        ASSERT_EQ(c.rsp.freed, j + 1 == p.connections) << j;
        ASSERT_EQ(f.free_count(0), j + 1 == p.connections ? 1u : 0u);
    }
    EXPECT_EQ(f.state(n), buf_state::free);
    EXPECT_EQ(f.check_drained(), "");
}

TEST_F(fifo_ref, pick_round_robin_wraps_and_skips_masked) {
    for (uint32_t i = 0; i < 6; ++i)
        add(0, i);
    auto put = [&](uint32_t k) { ok(fifo_cmd::enqueue(numbered(k), alloc(0), 1, k)); };
    auto pick = [&] { return ok(fifo_cmd::pick()).rsp.connection; };
    put(69);
    put(5);
    put(64);
    // Reset pointer is 69, so connection 0 is considered first and 69 last.
    EXPECT_EQ(pick(), 5u);
    EXPECT_EQ(m_fifo.pick_pointer(), 5u);
    EXPECT_EQ(pick(), 64u); // across the 64-bit word boundary
    EXPECT_EQ(pick(), 69u);
    EXPECT_EQ(pick(), 5u); // wrap-around
    ok(fifo_cmd::mask(64, true));
    EXPECT_EQ(pick(), 69u);
    EXPECT_EQ(pick(), 5u);
    ok(fifo_cmd::mask(64, false));
    EXPECT_EQ(pick(), 64u);
    // A single eligible connection is picked again and again, pointer on itself.
    ok(fifo_cmd::mask(5, true));
    ok(fifo_cmd::mask(69, true));
    EXPECT_EQ(pick(), 64u);
    EXPECT_EQ(pick(), 64u);
    // Nothing eligible: EMPTY and the pointer stays.
    ok(fifo_cmd::mask(64, true));
    empty(fifo_cmd::pick());
    EXPECT_EQ(m_fifo.pick_pointer(), 64u);
    // Masking an empty queue or unmasking keeps eligibility = non-empty and unmasked.
    ok(fifo_cmd::mask(5, false));
    ok(fifo_cmd::dequeue(numbered(5)));
    empty(fifo_cmd::pick());
    ok(fifo_cmd::mask(69, false));
    EXPECT_EQ(pick(), 69u);
    // Special queues never take part in PICK.
    ok(fifo_cmd::dequeue(numbered(69)));
    ok(fifo_cmd::enqueue(special(fifo_special::arp), alloc(0), 1, 1));
    empty(fifo_cmd::pick());
    expect_consistent();
}

TEST(fifo_ref_pick, fast_with_many_connections) {
    fifo_params p;
    p.classes = 1;
    p.descriptors = 8;
    p.indirect = 8;
    p.connections = 65536;
    elastic_fifo_ref f(p);
    fifo_cmd c = fifo_cmd::add_free(0, 0);
    f.execute(c);
    c = fifo_cmd::add_free(0, 1);
    f.execute(c);
    const uint32_t far[2] = {40000, 3};
    for (uint32_t k : far) {
        c = fifo_cmd::alloc(0);
        f.execute(c);
        c = fifo_cmd::enqueue(f.queues().numbered(k), c.rsp.buffer, 1, 1);
        f.execute(c);
    }
    // 2 * 10^5 picks that each scan ~half the bitset: quick with a word-wise search.
    for (int i = 0; i < 100000; ++i) {
        c = fifo_cmd::pick();
        f.execute(c);
        ASSERT_EQ(c.rsp.connection, 3u);
        c = fifo_cmd::pick();
        f.execute(c);
        ASSERT_EQ(c.rsp.connection, 40000u);
    }
}

TEST_F(fifo_ref, status_counts_and_high_water_marks) {
    for (uint32_t i = 0; i < 5; ++i)
        add(0, i);
    fifo_cmd s = ok(fifo_cmd::status(m_fifo.queues().free_pool(0)));
    EXPECT_EQ(s.rsp.count, 5u);
    EXPECT_EQ(s.rsp.high_water, 5u);
    const uint32_t q = numbered(1);
    for (uint32_t i = 0; i < 4; ++i)
        ok(fifo_cmd::enqueue(q, alloc(0), 1, i));
    for (uint32_t i = 0; i < 3; ++i)
        ok(fifo_cmd::dequeue(q));
    s = ok(fifo_cmd::status(q));
    EXPECT_EQ(s.rsp.count, 1u);
    EXPECT_EQ(s.rsp.high_water, 4u);
    s = ok(fifo_cmd::status(m_fifo.queues().free_pool(0)));
    EXPECT_EQ(s.rsp.count, 1u);
    EXPECT_EQ(s.rsp.high_water, 5u);
    // The indirect pool starts full, its high-water mark at its reset count.
    ok(fifo_cmd::link(q, alloc(0)));
    s = ok(fifo_cmd::status(m_fifo.queues().indirect_pool()));
    EXPECT_EQ(s.rsp.count, 7u);
    EXPECT_EQ(s.rsp.high_water, 8u);
    s = ok(fifo_cmd::status(m_fifo.queues().count() - 1));
    EXPECT_EQ(s.rsp.count, 0u);
    EXPECT_EQ(m_fifo.high_water(q), 4u);
}

TEST_F(fifo_ref, statistics_count_commands_per_op_and_result) {
    add(0, 0);
    alloc(0);
    empty(fifo_cmd::alloc(0));
    fifo_cmd bad = fifo_cmd::alloc(9);
    m_fifo.execute(bad);
    EXPECT_EQ(m_fifo.stats(fifo_op::alloc).ok, 1u);
    EXPECT_EQ(m_fifo.stats(fifo_op::alloc).empty, 1u);
    EXPECT_EQ(m_fifo.stats(fifo_op::alloc).error, 1u);
    EXPECT_EQ(m_fifo.stats(fifo_op::alloc).total(), 3u);
    EXPECT_EQ(m_fifo.stats(fifo_op::add_free).total(), 1u);
    EXPECT_EQ(m_fifo.stats(fifo_op::pick).total(), 0u);
    m_fifo.reset();
    EXPECT_EQ(m_fifo.stats(fifo_op::alloc).total(), 0u);
    EXPECT_EQ(m_fifo.spare_count(), 16u);
}

TEST_F(fifo_ref, check_drained_names_a_leaked_buffer) {
    add(0, 0);
    const uint32_t b = alloc(0);
    ok(fifo_cmd::enqueue(numbered(0), b, 1, 1234));
    const std::string problem = m_fifo.check_drained();
    EXPECT_NE(problem.find("buffer 0 is queued"), std::string::npos) << problem;
    EXPECT_NE(problem.find("tag 1234"), std::string::npos) << problem;
    EXPECT_EQ(m_fifo.check_invariants(), "");
}

// Every protocol error of the contract: ERROR with the right code, nothing changed.
TEST_F(fifo_ref, protocol_errors_leave_the_state_unchanged) {
    const fifo_queues& qs = m_fifo.queues();
    for (uint32_t i = 0; i < 5; ++i)
        add(0, 0x100 * i);
    const uint32_t queued = alloc(0); // 0
    ok(fifo_cmd::enqueue(numbered(2), queued, 1, 1));
    const uint32_t held = alloc(0);   // 1
    const uint32_t linked = alloc(0); // 2, released by its holder, alive through i
    const uint32_t i = ok(fifo_cmd::link(numbered(3), linked)).rsp.buffer;
    ok(fifo_cmd::release(linked));
    const uint32_t held_indirect = ok(fifo_cmd::link(numbered(4), held)).rsp.buffer;
    ok(fifo_cmd::dequeue(numbered(4)));
    const uint32_t free_b = 3;
    const uint32_t spare = 10;
    const uint32_t free_indirect = 20;
    ASSERT_EQ(m_fifo.state(free_b), buf_state::free);
    ASSERT_EQ(m_fifo.state(spare), buf_state::spare);
    ASSERT_EQ(m_fifo.state(free_indirect), buf_state::free);
    ASSERT_EQ(m_fifo.state(i), buf_state::queued);
    ASSERT_EQ(m_fifo.state(held_indirect), buf_state::held);
    expect_consistent();

    struct bad_case {
        fifo_cmd cmd;
        fifo_error error;
    };
    const uint32_t out_q = qs.count();
    const std::vector<bad_case> cases = {
        {fifo_cmd::enqueue(qs.free_pool(0), held, 1, 1), fifo_error::queue_is_free_pool},
        {fifo_cmd::enqueue(qs.indirect_pool(), held, 1, 1), fifo_error::queue_is_free_pool},
        {fifo_cmd::enqueue(out_q, held, 1, 1), fifo_error::queue_out_of_range},
        {fifo_cmd::enqueue(numbered(0), free_b, 1, 1), fifo_error::buffer_is_free},
        {fifo_cmd::enqueue(numbered(0), spare, 1, 1), fifo_error::buffer_is_spare},
        {fifo_cmd::enqueue(numbered(0), queued, 1, 1), fifo_error::buffer_is_queued},
        {fifo_cmd::enqueue(numbered(0), linked, 1, 1), fifo_error::buffer_is_linked},
        {fifo_cmd::enqueue(numbered(0), free_indirect, 1, 1), fifo_error::buffer_is_free},
        {fifo_cmd::enqueue(numbered(0), i, 1, 1), fifo_error::buffer_is_queued},
        {fifo_cmd::enqueue(numbered(0), 24, 1, 1), fifo_error::buffer_out_of_range},
        {fifo_cmd::dequeue(qs.free_pool(1)), fifo_error::queue_is_free_pool},
        {fifo_cmd::dequeue(qs.indirect_pool()), fifo_error::queue_is_free_pool},
        {fifo_cmd::dequeue(out_q), fifo_error::queue_out_of_range},
        {fifo_cmd::release(free_b), fifo_error::buffer_is_free},
        {fifo_cmd::release(spare), fifo_error::buffer_is_spare},
        {fifo_cmd::release(queued), fifo_error::buffer_is_queued},
        {fifo_cmd::release(linked), fifo_error::buffer_is_linked},
        {fifo_cmd::release(free_indirect), fifo_error::buffer_is_free},
        {fifo_cmd::release(i), fifo_error::buffer_is_queued},
        {fifo_cmd::release(0xffffffffu), fifo_error::buffer_out_of_range},
        {fifo_cmd::link(numbered(0), held_indirect), fifo_error::buffer_not_normal},
        {fifo_cmd::link(numbered(0), free_b), fifo_error::buffer_is_free},
        {fifo_cmd::link(numbered(0), spare), fifo_error::buffer_is_spare},
        {fifo_cmd::link(numbered(0), queued), fifo_error::buffer_is_queued},
        {fifo_cmd::link(numbered(0), linked), fifo_error::buffer_is_linked},
        {fifo_cmd::link(numbered(0), 99), fifo_error::buffer_out_of_range},
        {fifo_cmd::link(qs.free_pool(0), held), fifo_error::queue_is_free_pool},
        {fifo_cmd::link(out_q, held), fifo_error::queue_out_of_range},
        {fifo_cmd::alloc(2), fifo_error::class_out_of_range},
        {fifo_cmd::add_free(2, 0x100), fifo_error::class_out_of_range},
        {fifo_cmd::remove_free(7), fifo_error::class_out_of_range},
        {fifo_cmd::mask(70, true), fifo_error::connection_out_of_range},
        {fifo_cmd::status(out_q), fifo_error::queue_out_of_range},
    };
    const std::string before = snapshot(m_fifo);
    for (const bad_case& c : cases) {
        const fifo_cmd r = run(c.cmd);
        EXPECT_EQ(r.rsp.result, fifo_result::error) << to_string(r);
        EXPECT_EQ(r.rsp.error, c.error) << to_string(r);
        EXPECT_EQ(m_fifo.last_error().rfind(to_string(r.op), 0), 0u) << m_fifo.last_error();
        EXPECT_EQ(snapshot(m_fifo), before) << to_string(r);
    }
    fifo_cmd bad_op = fifo_cmd::pick();
    bad_op.op = static_cast<fifo_op>(77);
    EXPECT_EQ(m_fifo.execute(bad_op), 1u);
    EXPECT_EQ(bad_op.rsp.error, fifo_error::bad_op);
    EXPECT_EQ(snapshot(m_fifo), before);
    expect_consistent();
    // The text names the offending buffer and its state.
    fifo_cmd r = fifo_cmd::release(linked);
    m_fifo.execute(r);
    EXPECT_NE(m_fifo.last_error().find("buffer 2 is linked"), std::string::npos)
        << m_fifo.last_error();
}

TEST_F(fifo_ref, empty_and_error_results_still_take_the_table_latency) {
    empty(fifo_cmd::alloc(0)); // run() checks the latency
    empty(fifo_cmd::dequeue(numbered(0)));
    empty(fifo_cmd::remove_free(0));
    empty(fifo_cmd::pick());
    fifo_cmd c = fifo_cmd::release(0);
    EXPECT_EQ(m_fifo.execute(c), 3u);
    EXPECT_EQ(c.rsp.result, fifo_result::error);
}

} // namespace
} // namespace evr
