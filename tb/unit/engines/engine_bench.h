// Shared pieces of the engine unit benches: the clock, a recorder of frame events, a spy
// on the elastic FIFO command port, a recorder of host writes, a scripted driver thread and
// frame builders. Each test binary elaborates one bench (SystemC cannot re-elaborate),
// simulates it once in sc_main and the TESTs then inspect what these recorders saw.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "evr/core/cycles.h"
#include "evr/core/frame_events.h"
#include "evr/fifo/fifo_backend.h"
#include "evr/fifo/fifo_client.h"
#include "evr/fifo/fifo_target.h"
#include "evr/mem/host_memory.h"
#include "lookup/frame_builder.h"

namespace evr::test {

using lookup::test::bytes;

inline constexpr double freq_mhz = 250; // 4 ns per cycle, the router's default

// Everything the engines report, in report order, with the cycle of the report.
class event_log : public core::frame_listener {
public:
    struct delivery {
        std::uint64_t index;
        std::uint32_t conn;
        core::path_kind path;
        core::cycle_t cycle;
        bytes data;
    };
    struct drop {
        std::uint64_t index;
        std::optional<std::uint32_t> conn;
        core::drop_reason reason;
        core::cycle_t cycle;
        bytes data;
    };
    struct input {
        std::uint64_t index;
        core::cycle_t arrival;
        std::uint32_t orig_len;
    };

    void on_input(const core::frame_slot& f) override {
        inputs.push_back({f.index, f.arrival, f.orig_len});
    }
    void on_fanout(std::uint64_t index, std::uint32_t copies) override {
        fanouts.emplace_back(index, copies);
    }
    void on_delivered(const core::copy_view& c, core::path_kind p) override {
        delivered.push_back(
            {c.index, c.conn.value_or(~0u), p, c.cycle, bytes(c.data, c.data + c.cap_len)});
    }
    void on_dropped(const core::copy_view& c, core::drop_reason r) override {
        dropped.push_back({c.index, c.conn, r, c.cycle, bytes(c.data, c.data + c.cap_len)});
    }

    const drop* find_drop(std::uint64_t index) const {
        for (const drop& d : dropped)
            if (d.index == index)
                return &d;
        return nullptr;
    }

    std::vector<input> inputs;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> fanouts;
    std::vector<delivery> delivered;
    std::vector<drop> dropped;
};

// The elastic FIFO's TLM reference behind a spy: every command with its issue and
// response cycle, so tests can check which commands an engine issued and when.
class spy_backend : public fifo_backend {
public:
    struct call {
        fifo_cmd cmd; // operands and response
        std::uint64_t issue;
        std::uint64_t response;
    };

    explicit spy_backend(const fifo_params& p) : m_inner(p) {}
    std::uint64_t execute(fifo_cmd& cmd, std::uint64_t issue_cycle) override {
        const std::uint64_t response = m_inner.execute(cmd, issue_cycle);
        calls.push_back({cmd, issue_cycle, response});
        return response;
    }
    const char* name() const override { return "spy"; }
    elastic_fifo_ref& ref() { return m_inner.ref(); }
    const elastic_fifo_ref& ref() const { return m_inner.ref(); }

    std::vector<const call*> of(fifo_op op) const {
        std::vector<const call*> r;
        for (const call& c : calls)
            if (c.cmd.op == op)
                r.push_back(&c);
        return r;
    }

    std::vector<call> calls;

private:
    tlm_fifo_backend m_inner;
};

// The host side as the send engine sees it: every completed write, as the VM farm would.
class write_log : public mem::host_write_sink {
public:
    struct write {
        mem::frame_ext frame;
        bytes data;
        core::cycle_t cycle;
    };
    void on_host_write(const mem::frame_ext& frame, const std::uint8_t* data, std::uint32_t cap_len,
                       core::cycle_t cycle) override {
        writes.push_back({frame, bytes(data, data + cap_len), cycle});
        if (on_write)
            on_write(writes.back());
    }
    std::vector<write> writes;
    std::function<void(const write&)> on_write;
};

// A thread that runs a script: stimulus at chosen cycles, plus an optional FIFO client of
// its own (for preloading queues the way a neighbouring engine would).
class driver : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<driver> fifo_out;
    fifo_client fifo;
    std::function<void(driver&)> script;

    SC_HAS_PROCESS(driver);
    driver(sc_core::sc_module_name name, const core::clock_domain& clock)
        : sc_module(name), fifo_out("fifo_out"), fifo(fifo_out), m_clock(clock) {
        SC_THREAD(run);
    }

    core::cycle_t now() const { return m_clock.now(); }
    void at(core::cycle_t cycle) { wait(m_clock.until(cycle)); }
    void cycles(core::cycle_t n) { wait(m_clock.duration(n)); }
    void sync(sc_core::sc_time& d) {
        wait(d);
        d = sc_core::SC_ZERO_TIME;
    }
    // Runs one FIFO command and waits for its response.
    fifo_cmd run_cmd(const fifo_cmd& cmd) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        const fifo_cmd r = fifo.execute(cmd, d);
        sync(d);
        return r;
    }

private:
    void run() {
        if (script)
            script(*this);
    }
    const core::clock_domain& m_clock;
};

// Binds an unused FIFO socket of a driver that does not talk to the FIFO.
class null_fifo : public sc_core::sc_module, public tlm::tlm_fw_transport_if<> {
public:
    tlm::tlm_target_socket<> socket;
    explicit null_fifo(sc_core::sc_module_name name) : sc_module(name), socket("socket") {
        socket.bind(*this);
    }
    void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) override {
        p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    }
    tlm::tlm_sync_enum nb_transport_fw(tlm::tlm_generic_payload&, tlm::tlm_phase&,
                                       sc_core::sc_time&) override {
        return tlm::TLM_COMPLETED;
    }
    bool get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi&) override { return false; }
    unsigned int transport_dbg(tlm::tlm_generic_payload&) override { return 0; }
};

// `b` grown to `len` bytes with a counter pattern seeded by `seed`, so a payload that is
// off by a byte or belongs to another frame never compares equal.
inline bytes sized(bytes b, std::size_t len, std::uint8_t seed) {
    for (std::size_t i = b.size(); i < len; ++i)
        b.push_back(static_cast<std::uint8_t>(seed + i * 7));
    b.resize(len);
    return b;
}

// A unicast IPv4 frame to `mac` in `vlan` (untagged when 0) of `len` bytes.
inline bytes unicast(std::uint64_t mac, std::uint16_t vlan, std::size_t len, std::uint8_t seed) {
    std::vector<lookup::test::tag> tags;
    if (vlan)
        tags.push_back({0x8100, vlan});
    return sized(lookup::test::ipv4_frame(mac, tags, 0x0a000001u + seed), len, seed);
}

inline bytes broadcast(std::uint16_t vlan, std::size_t len, std::uint8_t seed) {
    return unicast(lookup::broadcast_mac, vlan, len, seed);
}

// Fills a frame slot as the adapter would have.
inline core::frame_slot* make_frame(core::frame_pool& pool, std::uint64_t index, const bytes& b,
                                    core::cycle_t arrival) {
    core::frame_slot* f = pool.get();
    f->index = index;
    f->ts_ns = index;
    f->arrival = arrival;
    f->orig_len = static_cast<std::uint32_t>(b.size());
    f->cap_len = static_cast<std::uint32_t>(b.size());
    f->bytes.assign(b.begin(), b.end());
    f->readers = 0;
    return f;
}

} // namespace evr::test
