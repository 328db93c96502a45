// Timing of the elastic FIFO command port (docs/elastic_fifo.md, "Command port timing")
// through TLM: two engines issue commands at chosen cycles; a spy back end records the
// issue and response cycles the port computed. One elaboration, simulated once in
// sc_main; the tests then check what was recorded.
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/fifo/fifo_client.h"
#include "evr/fifo/fifo_target.h"

namespace evr {
namespace {

const sc_core::sc_time period(4, sc_core::SC_NS); // 250 MHz

sc_core::sc_time cycles(uint64_t n) {
    return sc_core::sc_time::from_value(n * period.value());
}

uint64_t cycle_of(const sc_core::sc_time& t) {
    return t.value() / period.value();
}

// Records what the port asked the back end to do, and where the command lived.
class spy_backend : public fifo_backend {
public:
    struct call {
        fifo_op op;
        uint64_t issue;
        uint64_t response;
        const fifo_cmd* cmd;
    };

    explicit spy_backend(const fifo_params& p) : m_inner(p) {}
    uint64_t execute(fifo_cmd& cmd, uint64_t issue_cycle) override {
        const uint64_t response = m_inner.execute(cmd, issue_cycle);
        calls.push_back({cmd.op, issue_cycle, response, &cmd});
        return response;
    }
    const char* name() const override { return "spy"; }
    elastic_fifo_ref& ref() { return m_inner.ref(); }

    std::vector<call> calls;

private:
    tlm_fifo_backend m_inner;
};

// A minimal engine: runs a script in one thread and logs each command's timing.
class engine : public sc_core::sc_module {
public:
    struct entry {
        fifo_cmd cmd;
        uint64_t call_cycle;   // sc_time_stamp() at the call
        uint64_t delay_before; // annotated delay passed in, cycles
        sc_core::sc_time delay_after;
        uint64_t return_cycle; // sc_time_stamp() when b_transport returned
    };

    tlm_utils::simple_initiator_socket<engine> fifo_out;
    fifo_client client;
    std::function<void(engine&)> script;
    std::vector<entry> log;
    std::vector<std::string> errors; // std::logic_error texts the port threw

    SC_HAS_PROCESS(engine);
    explicit engine(const sc_core::sc_module_name& name)
        : sc_core::sc_module(name), fifo_out("fifo_out"), client(fifo_out) {
        SC_THREAD(run);
    }

    void at(uint64_t cycle) { wait(cycles(cycle) - sc_core::sc_time_stamp()); }

    // Issues `cmd` with `delay_cycles` of annotation, logs it, then synchronises.
    const fifo_cmd& issue(const fifo_cmd& cmd, uint64_t delay_cycles = 0, bool sync = true) {
        sc_core::sc_time delay = cycles(delay_cycles);
        const uint64_t now = cycle_of(sc_core::sc_time_stamp());
        const fifo_cmd& r = client.execute(cmd, delay);
        log.push_back({r, now, delay_cycles, delay, cycle_of(sc_core::sc_time_stamp())});
        if (sync)
            wait(delay);
        return r;
    }

    // Like issue() but expects the port to throw; logs the text.
    void issue_expecting_error(const fifo_cmd& cmd, const sc_core::sc_time& delay_in) {
        sc_core::sc_time delay = delay_in;
        try {
            client.execute(cmd, delay);
            errors.push_back("no exception for " + to_string(cmd));
        } catch (const std::logic_error& e) {
            errors.push_back(e.what());
        }
    }

private:
    void run() {
        if (script)
            script(*this);
    }
};

// A bound socket for direct calls from the tests (malformed payloads).
class raw_initiator : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<raw_initiator> fifo_out;
    explicit raw_initiator(const sc_core::sc_module_name& name)
        : sc_core::sc_module(name), fifo_out("fifo_out") {}
};

fifo_params params() {
    fifo_params p;
    p.classes = 2;
    p.descriptors = 8;
    p.indirect = 4;
    p.connections = 16;
    return p;
}

struct bench {
    spy_backend backend{params()};
    fifo_target port{"fifo", period, backend};
    engine a{"engine_a"};
    engine b{"engine_b"};
    raw_initiator raw{"raw"};
    uint32_t buffer = 0;

    bench() {
        a.fifo_out.bind(port.cmd_in);
        b.fifo_out.bind(port.cmd_in);
        raw.fifo_out.bind(port.cmd_in);
        const fifo_queues qs(params());
        a.script = [this, qs](engine& e) {
            e.at(0);
            e.issue(fifo_cmd::add_free(0, 0x1000)); // issue 0, response 2
            e.at(10);
            buffer = e.issue(fifo_cmd::alloc(0)).rsp.buffer; // 10 -> 12
            // Now at 12; B's STATUS (arrived 11) holds the port until 13.
            e.issue(fifo_cmd::enqueue(qs.numbered(3), buffer, 64, 7)); // 13 -> 15
            e.at(20);
            e.issue(fifo_cmd::dequeue(qs.numbered(3))); // same cycle as B's PICK
            e.at(30);
            e.issue(fifo_cmd::release(buffer), 5); // arrives 35: 35 -> 38
            e.at(50);
            e.issue_expecting_error(fifo_cmd::status(0), sc_core::sc_time(1, sc_core::SC_NS));
            e.at(60);
            e.issue(fifo_cmd::status(0), 10, false); // arrives 70, served 70 -> 71
            e.at(80);
            e.issue_expecting_error(fifo_cmd::release(buffer), sc_core::SC_ZERO_TIME);
            e.at(90);
            e.issue(fifo_cmd::pick()); // the port is still usable: 90 -> 91
        };
        b.script = [qs](engine& e) {
            e.at(1);
            e.issue(fifo_cmd::add_free(0, 0x2000)); // arrives 1, port busy: 2 -> 4
            e.at(11);
            e.issue(fifo_cmd::status(qs.free_pool(0))); // arrives 11, busy: 12 -> 13
            e.at(20);
            e.issue(fifo_cmd::pick());
            e.at(36);
            e.issue(fifo_cmd::mask(0, true)); // arrives 36, busy: 38 -> 39
            e.at(65);
            // A's STATUS, made at 60, was annotated to arrive at 70: the target waits that
            // out, so this one, made later, is served first: 65 -> 66.
            e.issue(fifo_cmd::status(1));
        };
    }
};

std::unique_ptr<bench> g_bench;

const engine::entry& find(const engine& e, fifo_op op, size_t nth = 0) {
    for (const engine::entry& x : e.log)
        if (x.cmd.op == op && nth-- == 0)
            return x;
    throw std::runtime_error(std::string("no ") + to_string(op) + " in the log of " + e.name());
}

// The response cycle an engine sees: b_transport blocks until the response edge and
// hands back what is left of the annotated delay (nothing).
uint64_t response_cycle(const engine::entry& x) {
    return x.return_cycle + cycle_of(x.delay_after);
}

TEST(fifo_target, socket_is_named_by_role) {
    EXPECT_STREQ(g_bench->port.cmd_in.basename(), "cmd_in");
    EXPECT_STREQ(g_bench->port.cmd_in.name(), "fifo.cmd_in");
}

TEST(fifo_target, idle_port_issues_on_arrival) {
    const engine::entry& x = find(g_bench->a, fifo_op::add_free);
    EXPECT_EQ(x.call_cycle, 0u);
    EXPECT_EQ(response_cycle(x), 2u);
    EXPECT_EQ(x.cmd.rsp.result, fifo_result::ok);
    const engine::entry& alloc = find(g_bench->a, fifo_op::alloc);
    EXPECT_EQ(alloc.call_cycle, 10u);
    EXPECT_EQ(response_cycle(alloc), 12u);
}

TEST(fifo_target, busy_port_queues_the_second_request) {
    const engine::entry& x = find(g_bench->b, fifo_op::add_free);
    EXPECT_EQ(x.call_cycle, 1u);
    EXPECT_EQ(response_cycle(x), 4u); // waited 1 cycle, issued at 2, latency 2
    const engine::entry& s = find(g_bench->b, fifo_op::status);
    EXPECT_EQ(s.call_cycle, 11u);
    EXPECT_EQ(response_cycle(s), 13u);
    EXPECT_EQ(s.cmd.rsp.count, 1u); // A's ALLOC at 10 came first: one of two buffers left
    const engine::entry& e = find(g_bench->a, fifo_op::enqueue);
    EXPECT_EQ(e.call_cycle, 12u);
    EXPECT_EQ(response_cycle(e), 15u); // issued at 13 behind B's STATUS
}

TEST(fifo_target, simultaneous_requests_are_granted_round_robin) {
    const auto& calls = g_bench->backend.calls;
    size_t first = calls.size();
    for (size_t i = 0; i < calls.size(); ++i)
        if (calls[i].issue == 20) {
            first = i;
            break;
        }
    ASSERT_LT(first + 1, calls.size());
    const auto& one = calls[first];
    const auto& two = calls[first + 1];
    // A (initiator 0) had the last grant (its ENQUEUE at 13), so B goes first.
    EXPECT_EQ(one.op, fifo_op::pick);
    EXPECT_EQ(two.op, fifo_op::dequeue);
    EXPECT_EQ(one.response, 20 + latency(one.op));
    EXPECT_EQ(two.issue, one.response);
    EXPECT_EQ(two.response, two.issue + latency(two.op));
    // And the engines see exactly those cycles.
    EXPECT_EQ(response_cycle(find(g_bench->a, fifo_op::dequeue)), two.response);
    EXPECT_EQ(response_cycle(find(g_bench->b, fifo_op::pick)), one.response);
    // Per requester: A waited 1 (ENQUEUE) + 1 (DEQUEUE at 20) cycles, B 1 + 1 + 2.
    const core::arbiter& arb = g_bench->port.arbiter();
    EXPECT_EQ(arb.requesters()[0], "initiator0");
    EXPECT_EQ(arb.stats(0).wait_cycles, 2u);
    EXPECT_EQ(arb.stats(1).wait_cycles, 4u);
    EXPECT_EQ(arb.stats(1).max_wait, 2u);
}

TEST(fifo_target, every_response_is_issue_plus_table_latency) {
    for (const auto& c : g_bench->backend.calls)
        EXPECT_EQ(c.response, c.issue + latency(c.op)) << to_string(c.op);
}

TEST(fifo_target, annotated_delay_is_waited_out_by_the_target) {
    const engine::entry& r = find(g_bench->a, fifo_op::release);
    EXPECT_EQ(r.call_cycle, 30u);
    EXPECT_EQ(r.delay_before, 5u);
    EXPECT_EQ(r.return_cycle, 38u); // 5 in + 0 wait + 3 latency
    EXPECT_EQ(r.delay_after, sc_core::SC_ZERO_TIME);
    EXPECT_TRUE(r.cmd.rsp.freed);
    const engine::entry& m = find(g_bench->b, fifo_op::mask);
    EXPECT_EQ(m.call_cycle, 36u);
    EXPECT_EQ(response_cycle(m), 39u); // A's RELEASE arrived at 35 and ran 35..38
    const engine::entry& s = find(g_bench->a, fifo_op::status);
    EXPECT_EQ(s.call_cycle, 60u);
    EXPECT_EQ(response_cycle(s), 71u);
}

TEST(fifo_target, off_cycle_arrival_is_a_model_bug) {
    ASSERT_GE(g_bench->a.errors.size(), 1u);
    const std::string& text = g_bench->a.errors[0];
    EXPECT_NE(text.find("not a whole number"), std::string::npos) << text;
}

TEST(fifo_target, a_request_made_later_but_arriving_earlier_goes_first) {
    EXPECT_TRUE(g_bench->b.errors.empty());
    const engine::entry& later = find(g_bench->b, fifo_op::status, 1);
    EXPECT_EQ(later.call_cycle, 65u);
    EXPECT_EQ(response_cycle(later), 66u);
    EXPECT_EQ(response_cycle(find(g_bench->a, fifo_op::status)), 71u);
}

TEST(fifo_target, protocol_error_stops_with_the_command_text) {
    ASSERT_EQ(g_bench->a.errors.size(), 2u);
    const std::string& text = g_bench->a.errors[1];
    EXPECT_NE(text.find("protocol error at cycle 80"), std::string::npos) << text;
    EXPECT_NE(text.find("RELEASE b=" + std::to_string(g_bench->buffer)), std::string::npos) << text;
    EXPECT_NE(text.find("buffer is on its free pool"), std::string::npos) << text;
    // The port went on serving.
    const engine::entry& p = find(g_bench->a, fifo_op::pick);
    EXPECT_EQ(p.call_cycle, 90u);
    EXPECT_EQ(response_cycle(p), 91u);
}

TEST(fifo_target, one_payload_and_command_are_reused_per_client) {
    const fifo_cmd* a_cmd = &g_bench->a.client.last();
    const fifo_cmd* b_cmd = &g_bench->b.client.last();
    EXPECT_EQ(g_bench->a.client.payload().get_data_ptr(),
              reinterpret_cast<const unsigned char*>(a_cmd));
    size_t from_a = 0;
    for (const auto& c : g_bench->backend.calls) {
        EXPECT_TRUE(c.cmd == a_cmd || c.cmd == b_cmd);
        from_a += c.cmd == a_cmd;
    }
    EXPECT_EQ(from_a, g_bench->a.log.size() + 1); // + the RELEASE that was a protocol error
}

TEST(fifo_target, statistics) {
    const fifo_target& port = g_bench->port;
    EXPECT_EQ(port.commands(), g_bench->backend.calls.size());
    uint64_t busy = 0;
    for (const auto& c : g_bench->backend.calls)
        busy += c.response - c.issue;
    EXPECT_EQ(port.busy_cycles(), busy);
    // Waits: B's ADD_FREE 1, B's STATUS 1, A's ENQUEUE 1, the second at cycle 20, B's MASK 2.
    const auto& calls = g_bench->backend.calls;
    uint64_t second = 0;
    for (size_t i = 0; i + 1 < calls.size(); ++i)
        if (calls[i].issue == 20)
            second = latency(calls[i].op);
    EXPECT_EQ(port.wait_cycles(), 1 + 1 + 1 + second + 2);
    EXPECT_EQ(port.port_free_cycle(), 91u);
    EXPECT_EQ(g_bench->backend.ref().check_invariants(), "");
}

// Malformed payloads get a TLM error response, no timing and no effect.
TEST(fifo_target, malformed_payloads_are_rejected) {
    raw_initiator& raw = g_bench->raw;
    const uint64_t commands = g_bench->port.commands();
    const uint64_t free_cycle = g_bench->port.port_free_cycle();
    fifo_cmd cmd = fifo_cmd::status(0);
    uint32_t wrong_size = 0;
    unsigned char be[sizeof(fifo_cmd)] = {};

    auto send = [&](auto setup) {
        tlm::tlm_generic_payload p;
        p.set_command(tlm::TLM_WRITE_COMMAND);
        p.set_address(0);
        p.set_data_ptr(reinterpret_cast<unsigned char*>(&cmd));
        p.set_data_length(sizeof(fifo_cmd));
        p.set_streaming_width(sizeof(fifo_cmd));
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        setup(p);
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        raw.fifo_out->b_transport(p, delay);
        EXPECT_EQ(delay, sc_core::SC_ZERO_TIME); // no timing for a rejected payload
        return p.get_response_status();
    };
    using tlm::tlm_generic_payload;
    EXPECT_EQ(send([](tlm_generic_payload& p) { p.set_command(tlm::TLM_READ_COMMAND); }),
              tlm::TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(send([](tlm_generic_payload& p) { p.set_command(tlm::TLM_IGNORE_COMMAND); }),
              tlm::TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(send([](tlm_generic_payload& p) { p.set_address(0x40); }),
              tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(send([](tlm_generic_payload& p) { p.set_data_ptr(nullptr); }),
              tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(send([&](tlm_generic_payload& p) {
                  p.set_data_ptr(reinterpret_cast<unsigned char*>(&wrong_size));
                  p.set_data_length(sizeof(wrong_size));
                  p.set_streaming_width(sizeof(wrong_size));
              }),
              tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(send([](tlm_generic_payload& p) { p.set_streaming_width(4); }),
              tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(send([&](tlm_generic_payload& p) {
                  p.set_byte_enable_ptr(be);
                  p.set_byte_enable_length(sizeof(be));
              }),
              tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    cmd.op = static_cast<fifo_op>(200);
    EXPECT_EQ(send([](tlm_generic_payload&) {}), tlm::TLM_COMMAND_ERROR_RESPONSE);
    EXPECT_EQ(g_bench->port.commands(), commands);
    EXPECT_EQ(g_bench->port.port_free_cycle(), free_cycle);
    // (A well-formed command blocks until its response edge, so it needs a process and
    // cannot be sent from here, after the simulation; the engines above send them.)
}

} // namespace
} // namespace evr

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    // One elaboration and one simulation for the whole binary (SystemC cannot
    // re-elaborate); the tests inspect what it recorded.
    evr::g_bench = std::make_unique<evr::bench>();
    sc_core::sc_start();
    const int status = RUN_ALL_TESTS();
    return status;
}
