// The data-store SRAM (docs/timing.md, "Arbitration"; docs/components/mem.md): a write
// port booked by its one initiator, and a read port whose arbiter grants same-cycle
// reads by policy, half a period after the edge, whatever order the kernel ran the
// readers in. Several rigs in one elaboration (SystemC cannot re-elaborate); sc_main
// simulates once and the tests check what the readers saw.
#include <cstdint>
#include <cstring>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/mem/payload.h"
#include "evr/mem/sram.h"

namespace evr {
namespace {

using core::arbiter_policy;

constexpr std::uint32_t bytes_per_cycle = 32;
constexpr std::uint32_t latency = 4;

// One initiator running a script: reads or writes at chosen cycles, logging when each
// access returned and with which response.
class initiator : public sc_core::sc_module {
public:
    struct access {
        std::uint64_t returned; // cycle b_transport returned plus its annotated delay
        tlm::tlm_response_status status;
        std::vector<std::uint8_t> bytes;
    };

    tlm_utils::simple_initiator_socket<initiator> sram_out;
    std::function<void(initiator&)> script;
    std::vector<access> log;

    SC_HAS_PROCESS(initiator);
    initiator(const sc_core::sc_module_name& name, const core::clock_domain& clock)
        : sc_module(name), sram_out("sram_out"), m_clock(clock) {
        SC_THREAD(run);
    }

    void at(std::uint64_t cycle) { wait(m_clock.duration(cycle) - sc_core::sc_time_stamp()); }
    // `deltas` delta cycles later within the same cycle: posts after the other reader.
    void after_deltas(unsigned deltas) {
        for (unsigned i = 0; i < deltas; ++i)
            wait(sc_core::SC_ZERO_TIME);
    }
    void transfer(tlm::tlm_command cmd, std::uint64_t addr, std::uint32_t len,
                  std::uint8_t fill = 0) {
        std::vector<std::uint8_t> bytes(len, fill);
        tlm::tlm_generic_payload p;
        mem::prepare(p, cmd, addr, bytes.data(), len);
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        sram_out->b_transport(p, d);
        log.push_back(
            {m_clock.to_cycles(sc_core::sc_time_stamp() + d), p.get_response_status(), bytes});
        wait(d);
    }

private:
    void run() {
        if (script)
            script(*this);
    }
    const core::clock_domain& m_clock;
};

// An SRAM with a writer and two readers, "assist" and "local" (bound in that order).
struct rig {
    mem::sram sram;
    initiator writer, assist, local;
    rig(const std::string& name, const core::clock_domain& clock, arbiter_policy policy,
        std::vector<std::string> order = {})
        : sram((name + "_sram").c_str(), clock, 65536, bytes_per_cycle, latency,
               core::port_arbitration{{"assist", "local"}, policy, std::move(order)}),
          writer((name + "_writer").c_str(), clock), assist((name + "_assist").c_str(), clock),
          local((name + "_local").c_str(), clock) {
        writer.sram_out.bind(sram.write_in);
        assist.sram_out.bind(sram.read_in);
        local.sram_out.bind(sram.read_in);
    }
    // In cycle 10 assist reads 64 bytes (2 cycles) and local 320 (10 cycles); the one
    // named `first` posts its request in the edge's first delta, the other a delta later.
    void same_cycle_reads(bool local_posts_first) {
        assist.script = [local_posts_first](initiator& i) {
            i.at(10);
            i.after_deltas(local_posts_first ? 1 : 0);
            i.transfer(tlm::TLM_READ_COMMAND, 0, 64);
        };
        local.script = [local_posts_first](initiator& i) {
            i.at(10);
            i.after_deltas(local_posts_first ? 0 : 1);
            i.transfer(tlm::TLM_READ_COMMAND, 4096, 320);
        };
    }
    // Who was granted first: the reader whose access returned first.
    std::string first() const {
        return assist.log.at(0).returned < local.log.at(0).returned ? "assist" : "local";
    }
};

struct bench {
    core::clock_domain clock{250.0}; // 4 ns
    rig rr_local_first{"rr_local_first", clock, arbiter_policy::round_robin};
    rig rr_assist_first{"rr_assist_first", clock, arbiter_policy::round_robin};
    rig prio{"prio", clock, arbiter_policy::priority, {"local", "assist"}};
    // Planted fault: the arbiter the model had before, serving in posting order.
    rig co_local_first{"co_local_first", clock, arbiter_policy::call_order};
    rig co_assist_first{"co_assist_first", clock, arbiter_policy::call_order};
    rig ports{"ports", clock, arbiter_policy::round_robin};

    bench() {
        rr_local_first.same_cycle_reads(true);
        rr_assist_first.same_cycle_reads(false);
        prio.same_cycle_reads(false);
        co_local_first.same_cycle_reads(true);
        co_assist_first.same_cycle_reads(false);
        // A 9000-byte write (282 cycles) and a 64-byte read in the same cycle, then the
        // written bytes read back, and two accesses each port refuses.
        ports.writer.script = [](initiator& i) {
            i.at(0);
            i.transfer(tlm::TLM_WRITE_COMMAND, 0, 9000, 0xab);
        };
        ports.assist.script = [](initiator& i) {
            i.at(0);
            i.transfer(tlm::TLM_READ_COMMAND, 16384, 64);
            i.at(400);
            i.transfer(tlm::TLM_READ_COMMAND, 8936, 64);
            i.transfer(tlm::TLM_READ_COMMAND, 65536 - 32, 64);
            i.transfer(tlm::TLM_WRITE_COMMAND, 0, 64);
        };
    }
};

std::unique_ptr<bench> g_bench;

TEST(sram, sockets_are_named_by_role) {
    EXPECT_STREQ(g_bench->ports.sram.write_in.basename(), "write_in");
    EXPECT_STREQ(g_bench->ports.sram.read_in.basename(), "read_in");
}

TEST(sram, same_cycle_reads_are_granted_round_robin_whatever_the_posting_order) {
    for (const rig* r : {&g_bench->rr_local_first, &g_bench->rr_assist_first}) {
        SCOPED_TRACE(r->sram.name());
        // assist is first in the rotation: issued in 10, 2 cycles, latency 4.
        EXPECT_EQ(r->assist.log.at(0).returned, 10u + 2 + latency);
        // local waits for the port: issued in 12, 10 cycles, latency 4.
        EXPECT_EQ(r->local.log.at(0).returned, 12u + 10 + latency);
        EXPECT_EQ(r->sram.read_arbiter().stats(1).wait_cycles, 2u);
        EXPECT_EQ(r->sram.read_arbiter().stats(0).wait_cycles, 0u);
    }
}

TEST(sram, fixed_priority_follows_the_configured_order) {
    const rig& r = g_bench->prio;
    EXPECT_EQ(r.first(), "local"); // posted second, named first
    EXPECT_EQ(r.local.log.at(0).returned, 10u + 10 + latency);
    EXPECT_EQ(r.assist.log.at(0).returned, 20u + 2 + latency);
    EXPECT_EQ(r.sram.read_arbiter().stats(0).max_wait, 10u);
}

// The property the arbiter exists for, checked against the fault it must catch: with the
// call-order arbiter the grant follows the kernel's posting order.
TEST(sram, planted_call_order_arbiter_depends_on_the_posting_order) {
    EXPECT_EQ(g_bench->rr_local_first.first(), g_bench->rr_assist_first.first());
    EXPECT_NE(g_bench->co_local_first.first(), g_bench->co_assist_first.first());
}

TEST(sram, a_long_write_does_not_hold_a_read) {
    const auto& log = g_bench->ports.assist.log;
    ASSERT_EQ(log.size(), 4u);
    EXPECT_EQ(log[0].returned, 0u + 2 + latency); // not after the write's 282 cycles
    EXPECT_EQ(g_bench->ports.sram.write_timing().busy_cycles(), 282u); // ceil(9000 / 32)
    EXPECT_EQ(g_bench->ports.sram.read_timing().busy_cycles(), 2u + 2);
}

TEST(sram, a_read_returns_what_was_written) {
    const auto& a = g_bench->ports.assist.log.at(1);
    EXPECT_EQ(a.status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(a.bytes, std::vector<std::uint8_t>(64, 0xab)); // bytes 8936..8999 of the write
}

TEST(sram, out_of_range_and_wrong_direction_are_refused_without_time) {
    const auto& log = g_bench->ports.assist.log;
    EXPECT_EQ(log[2].status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(log[3].status, tlm::TLM_COMMAND_ERROR_RESPONSE); // a write on the read port
    EXPECT_EQ(log[2].returned, log[1].returned);
    EXPECT_EQ(log[3].returned, log[1].returned);
}

} // namespace
} // namespace evr

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::g_bench = std::make_unique<evr::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
