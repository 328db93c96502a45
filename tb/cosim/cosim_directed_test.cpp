// Directed co-simulation tests: each command's corner cases on the tiny Verilation
// (Classes 2, Descriptors 12, Indirect 6, Connections 3) in lockstep with the reference,
// with the expected values written out from docs/elastic_fifo.md, plus the bridge itself
// (latency measured on the pins, idle-cycle skipping, assertions, capacity).
#include <gtest/gtest.h>
#include <stdexcept>
#include <string>

#include "cosim_models.h"
#include "evr/common/error.h"
#include "evr/fifo_rtl/fifo_backends.h"
#include "evr/fifo_rtl/lockstep_fifo_backend.h"

namespace evr::cosim {
namespace {

fifo_params tiny_sizes() {
    fifo_params p;
    p.classes = 2;
    p.descriptors = 12;
    p.indirect = 6;
    p.connections = 3;
    return p;
}

// Lockstep bench: every command is compared, and its latency checked against the table.
class bench {
public:
    explicit bench(bool errors_expected = true, fifo_params p = tiny_sizes())
        : m_ls(p, make_rtl_model_tiny(errors_expected)), m_q(p) {}

    fifo_rsp run(fifo_cmd c, uint64_t gap = 0) {
        const uint64_t issue = m_cycle + gap;
        m_cycle = m_ls.execute(c, issue);
        EXPECT_EQ(m_cycle - issue, latency(c.op)) << to_string(c);
        return c.rsp;
    }
    uint32_t count(uint32_t q) { return run(fifo_cmd::status(q)).count; }
    uint32_t hw(uint32_t q) { return run(fifo_cmd::status(q)).high_water; }
    const fifo_queues& q() const { return m_q; }
    lockstep_fifo_backend& ls() { return m_ls; }
    uint64_t cycle() const { return m_cycle; }

private:
    lockstep_fifo_backend m_ls;
    fifo_queues m_q;
    uint64_t m_cycle = 0;
};

TEST(cosim_directed, reset_state) {
    bench b;
    const fifo_queues& q = b.q();
    for (uint32_t i = 0; i < q.count(); ++i) {
        const fifo_rsp r = b.run(fifo_cmd::status(i));
        EXPECT_EQ(r.result, fifo_result::ok);
        EXPECT_EQ(r.count, i == q.indirect_pool() ? 6u : 0u) << "queue " << i;
        EXPECT_EQ(r.high_water, i == q.indirect_pool() ? 6u : 0u) << "queue " << i;
    }
    EXPECT_EQ(b.run(fifo_cmd::pick()).result, fifo_result::empty);
    EXPECT_EQ(b.run(fifo_cmd::alloc(0)).result, fifo_result::empty);
    EXPECT_EQ(b.run(fifo_cmd::remove_free(1)).result, fifo_result::empty);
    EXPECT_EQ(b.ls().compare_state(), "");
}

TEST(cosim_directed, add_free_alloc_remove_free_order) {
    bench b;
    for (uint32_t i = 0; i < 12; ++i) {
        const fifo_rsp r = b.run(fifo_cmd::add_free(i % 2, 0x100 * (i + 1)));
        EXPECT_EQ(r.result, fifo_result::ok);
        EXPECT_EQ(r.buffer, i); // spare list ascending after reset
    }
    EXPECT_EQ(b.run(fifo_cmd::add_free(0, 0x5000)).result, fifo_result::empty); // no spare
    EXPECT_EQ(b.count(0), 6u);
    // REMOVE_FREE pops the pool head; the spare list is FIFO, so ADD_FREE rebinds it.
    fifo_rsp r = b.run(fifo_cmd::remove_free(0));
    EXPECT_EQ(r.buffer, 0u);
    EXPECT_EQ(r.addr, 0x100u);
    r = b.run(fifo_cmd::remove_free(0));
    EXPECT_EQ(r.buffer, 2u);
    r = b.run(fifo_cmd::add_free(1, 0x7000));
    EXPECT_EQ(r.buffer, 0u);
    r = b.run(fifo_cmd::alloc(0));
    EXPECT_EQ(r.buffer, 4u);
    EXPECT_EQ(r.addr, 0x500u);
    EXPECT_EQ(b.hw(0), 6u);
    EXPECT_EQ(b.count(0), 3u);
    EXPECT_EQ(b.count(1), 7u);
    EXPECT_EQ(b.ls().compare_state(), "");
}

TEST(cosim_directed, enqueue_dequeue_fifo_order_and_fields) {
    bench b;
    for (uint32_t i = 0; i < 4; ++i)
        b.run(fifo_cmd::add_free(0, 0x40 * i));
    const uint32_t bc = b.q().special(fifo_special::broadcast);
    for (uint32_t i = 0; i < 4; ++i) {
        const uint32_t buf = b.run(fifo_cmd::alloc(0)).buffer;
        b.run(fifo_cmd::enqueue(bc, buf, 100 + i, 7 * i));
    }
    EXPECT_EQ(b.count(bc), 4u);
    for (uint32_t i = 0; i < 4; ++i) {
        const fifo_rsp r = b.run(fifo_cmd::dequeue(bc));
        EXPECT_EQ(r.buffer, i);
        EXPECT_FALSE(r.is_indirect);
        EXPECT_EQ(r.normal, i);
        EXPECT_EQ(r.len, 100 + i);
        EXPECT_EQ(r.tag, 7 * i);
        EXPECT_EQ(r.use, 1u);
        EXPECT_EQ(r.addr, 0x40 * i);
        const fifo_rsp rel = b.run(fifo_cmd::release(r.buffer));
        EXPECT_TRUE(rel.freed);
        EXPECT_EQ(rel.normal, i);
    }
    EXPECT_EQ(b.run(fifo_cmd::dequeue(bc)).result, fifo_result::empty);
    EXPECT_EQ(b.hw(bc), 4u);
    // ALLOC clears len and tag of a reused buffer.
    const uint32_t buf = b.run(fifo_cmd::alloc(0)).buffer;
    const uint32_t arp = b.q().special(fifo_special::arp);
    b.run(fifo_cmd::link(arp, buf));
    const fifo_rsp r = b.run(fifo_cmd::dequeue(arp));
    EXPECT_TRUE(r.is_indirect);
    EXPECT_EQ(r.len, 0u);
    EXPECT_EQ(r.tag, 0u);
    EXPECT_EQ(r.use, 2u);
}

TEST(cosim_directed, pick_round_robin_mask_and_empty) {
    bench b;
    for (uint32_t i = 0; i < 6; ++i)
        b.run(fifo_cmd::add_free(0, i));
    auto put = [&](uint32_t k) {
        const uint32_t buf = b.run(fifo_cmd::alloc(0)).buffer;
        b.run(fifo_cmd::enqueue(b.q().numbered(k), buf, 1, k));
    };
    put(2);
    // The pointer starts at Connections-1, so connection 0 comes first; only 2 is there.
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 2u);
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 2u); // its own connection, considered last
    put(0);
    put(1);
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 0u); // wraps past 2
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 1u);
    b.run(fifo_cmd::mask(2, true));
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 0u); // 2 masked
    b.run(fifo_cmd::mask(0, true));
    b.run(fifo_cmd::mask(1, true));
    EXPECT_EQ(b.run(fifo_cmd::pick()).result, fifo_result::empty); // leaves the pointer
    b.run(fifo_cmd::mask(2, false));
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 2u);
    // Emptying a queue makes it ineligible; unmasking an empty queue keeps it so.
    b.run(fifo_cmd::dequeue(b.q().numbered(2)));
    b.run(fifo_cmd::mask(0, false));
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 0u);
    EXPECT_EQ(b.run(fifo_cmd::pick()).connection, 0u);
}

TEST(cosim_directed, link_fan_out_use_counts_and_exhaustion) {
    bench b;
    b.run(fifo_cmd::add_free(1, 0x900));
    const uint32_t n = b.run(fifo_cmd::alloc(1)).buffer;
    // Six indirect buffers, then EMPTY; each LINK raises the use count.
    for (uint32_t i = 0; i < 6; ++i) {
        const fifo_rsp r = b.run(fifo_cmd::link(b.q().numbered(i % 3), n));
        EXPECT_EQ(r.result, fifo_result::ok);
        EXPECT_EQ(r.buffer, 12 + i); // indirect pool ascending after reset
    }
    EXPECT_EQ(b.run(fifo_cmd::link(b.q().numbered(0), n)).result, fifo_result::empty);
    const fifo_rsp own = b.run(fifo_cmd::release(n)); // the holder's reference goes
    EXPECT_FALSE(own.freed);
    EXPECT_EQ(b.run(fifo_cmd::release(n)).error, fifo_error::buffer_is_linked);
    EXPECT_EQ(b.run(fifo_cmd::link(b.q().numbered(0), n)).error, fifo_error::buffer_is_linked);
    for (uint32_t i = 0; i < 6; ++i) {
        const fifo_rsp d = b.run(fifo_cmd::dequeue(b.q().numbered(i % 3)));
        EXPECT_TRUE(d.is_indirect);
        EXPECT_EQ(d.normal, n);
        EXPECT_EQ(d.use, 6 - i);
        EXPECT_EQ(d.addr, 0x900u);
        const fifo_rsp r = b.run(fifo_cmd::release(d.buffer));
        EXPECT_EQ(r.normal, n);
        EXPECT_EQ(r.freed, i == 5); // exactly once, at the last copy
    }
    EXPECT_EQ(b.count(1), 1u);
    EXPECT_EQ(b.count(b.q().indirect_pool()), 6u);
    // Zero targets: the final RELEASE returns the buffer.
    const uint32_t m = b.run(fifo_cmd::alloc(1)).buffer;
    EXPECT_TRUE(b.run(fifo_cmd::release(m)).freed);
    EXPECT_EQ(b.ls().compare_state(), "");
}

TEST(cosim_directed, protocol_errors_change_nothing) {
    bench b;
    b.run(fifo_cmd::add_free(0, 0x10));
    const uint32_t held = b.run(fifo_cmd::alloc(0)).buffer;
    b.run(fifo_cmd::add_free(0, 0x20)); // buffer 1 free
    const fifo_queues& q = b.q();
    struct expect_error {
        fifo_cmd cmd;
        fifo_error error;
    };
    const expect_error cases[] = {
        {fifo_cmd::enqueue(q.count(), held, 1, 1), fifo_error::queue_out_of_range},
        {fifo_cmd::enqueue(0, held, 1, 1), fifo_error::queue_is_free_pool},
        {fifo_cmd::enqueue(q.indirect_pool(), held, 1, 1), fifo_error::queue_is_free_pool},
        {fifo_cmd::enqueue(q.numbered(0), 18, 1, 1), fifo_error::buffer_out_of_range},
        {fifo_cmd::enqueue(q.numbered(0), 5, 1, 1), fifo_error::buffer_is_spare},
        {fifo_cmd::enqueue(q.numbered(0), 1, 1, 1), fifo_error::buffer_is_free},
        {fifo_cmd::enqueue(q.numbered(0), 12, 1, 1), fifo_error::buffer_is_free},
        {fifo_cmd::dequeue(0xffffffffu), fifo_error::queue_out_of_range},
        {fifo_cmd::dequeue(1), fifo_error::queue_is_free_pool},
        {fifo_cmd::release(0xffffffffu), fifo_error::buffer_out_of_range},
        {fifo_cmd::release(1), fifo_error::buffer_is_free},
        {fifo_cmd::link(q.count() + 1, 13), fifo_error::queue_out_of_range},
        {fifo_cmd::link(q.indirect_pool(), 13), fifo_error::queue_is_free_pool},
        {fifo_cmd::link(q.numbered(1), 13), fifo_error::buffer_not_normal},
        {fifo_cmd::link(q.numbered(1), 18), fifo_error::buffer_out_of_range},
        {fifo_cmd::link(q.numbered(1), 1), fifo_error::buffer_is_free},
        {fifo_cmd::alloc(2), fifo_error::class_out_of_range},
        {fifo_cmd::add_free(7, 0), fifo_error::class_out_of_range},
        {fifo_cmd::remove_free(0x80000000u), fifo_error::class_out_of_range},
        {fifo_cmd::mask(3, true), fifo_error::connection_out_of_range},
        {fifo_cmd::status(q.count()), fifo_error::queue_out_of_range},
    };
    for (const expect_error& e : cases) {
        const fifo_rsp r = b.run(e.cmd);
        EXPECT_EQ(r.result, fifo_result::error) << to_string(e.cmd);
        EXPECT_EQ(r.error, e.error) << to_string(e.cmd);
    }
    fifo_cmd bad;
    bad.op = static_cast<fifo_op>(13);
    EXPECT_EQ(b.run(bad).error, fifo_error::bad_op);
    // A queued buffer is not held either.
    b.run(fifo_cmd::enqueue(q.numbered(2), held, 5, 6));
    EXPECT_EQ(b.run(fifo_cmd::release(held)).error, fifo_error::buffer_is_queued);
    EXPECT_EQ(b.run(fifo_cmd::enqueue(q.numbered(1), held, 1, 1)).error,
              fifo_error::buffer_is_queued);
    EXPECT_EQ(b.ls().compare_state(), "");
    EXPECT_EQ(b.ls().reference().check_invariants(), "");
}

TEST(cosim_directed, idle_cycles_are_skipped_exactly) {
    bench b;
    b.run(fifo_cmd::add_free(0, 0x10));
    const uint64_t before = b.ls().rtl().clocked_cycles();
    // A command a trillion cycles later: answered at issue + latency, on the pins.
    const fifo_rsp r = b.run(fifo_cmd::alloc(0), 1000000000000ull);
    EXPECT_EQ(r.buffer, 0u);
    EXPECT_EQ(b.ls().rtl().clocked_cycles() - before, 2u);
    EXPECT_GE(b.ls().rtl().skipped_cycles(), 1000000000000ull);
    // Back to back: the next command may issue at the response cycle, not before.
    fifo_cmd c = fifo_cmd::status(0);
    EXPECT_THROW(b.ls().rtl().execute(c, b.cycle() - 1), std::logic_error);
}

TEST(cosim_directed, protocol_error_fires_named_assertion) {
    // Without +evr_errors_expected a protocol error trips ProtocolError_A in the RTL.
    bench b(false);
    fifo_cmd c = fifo_cmd::release(3);
    try {
        b.ls().execute(c, 0);
        FAIL() << "no assertion";
    } catch (const lockstep_mismatch& e) {
        EXPECT_NE(std::string(e.what()).find("assertion failed"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("RELEASE"), std::string::npos) << e.what();
    }
}

TEST(cosim_directed, rtl_capacity_is_checked) {
    fifo_params p = tiny_sizes();
    p.indirect = 7;
    EXPECT_THROW(rtl_fifo_backend(p, make_rtl_model_tiny(true)), input_error);
    p = tiny_sizes();
    p.connections = 4;
    EXPECT_THROW(lockstep_fifo_backend(p, make_rtl_model_tiny(true)), input_error);
}

TEST(cosim_directed, factory_builds_each_back_end) {
    fifo_params p = tiny_sizes();
    for (auto kind :
         {config::fifo_backend::tlm, config::fifo_backend::rtl, config::fifo_backend::lockstep}) {
        fifo_unit u = make_fifo_unit(kind, p);
        EXPECT_STREQ(u.backend->name(), config::to_string(kind));
        fifo_cmd c = fifo_cmd::add_free(1, 0x40);
        EXPECT_EQ(u.backend->execute(c, 5), 7u);
        EXPECT_EQ(u.status->free_count(1), 1u);
        EXPECT_EQ(u.status->high_water(p.classes), p.indirect);
        EXPECT_EQ(u.status->live_normal(), 1u);
        EXPECT_EQ(u.status->check_drained(), "");
        EXPECT_EQ(u.status->queued_numbered() + u.status->queued_special(), 0u);
        EXPECT_EQ(u.reference == nullptr, kind == config::fifo_backend::rtl);
    }
}

} // namespace
} // namespace evr::cosim
