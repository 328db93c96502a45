// Adapter (patent 201) and receive buffer (203/403) unit test: line-rate pacing in whole
// cycles (preamble + frame + FCS on the wire, then the inter-frame gap; the frame arrives
// at the first clock edge at or after its last bit), runt / oversize / rx_overflow drops
// (the wire is never back-pressured), timestamp replay with late and clamped frames, and
// the receive buffer's byte and record accounting.
//
// Two rigs in one elaboration: back to back at line rate into a tiny receive buffer that
// nothing drains, and timestamp replay into a large one. Both start at cycle 10 (the
// router's start-up would be the pool fill).
#include <cmath>
#include <gtest/gtest.h>
#include <memory>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/common/error.h"
#include "evr/ingress/adapter.h"
#include "evr/rxbuf/receive_buffer.h"

namespace evr::test {
namespace {

constexpr core::cycle_t start_cycle = 10;
constexpr std::uint64_t ps_per_byte = 800; // 10 Gb/s
constexpr std::uint64_t ps_per_cycle = 4000;

class vector_source : public ingress::frame_source {
public:
    struct item {
        std::uint64_t ts_ns;
        bytes data;
    };
    std::vector<item> items;
    bool next(ingress::source_frame& out) override {
        if (m_next == items.size())
            return false;
        const item& it = items[m_next++];
        out.ts_ns = it.ts_ns;
        out.cap_len = out.orig_len = static_cast<std::uint32_t>(it.data.size());
        out.data = it.data.data();
        return true;
    }

private:
    std::size_t m_next = 0;
};

class adapter_rig : public sc_core::sc_module {
public:
    core::clock_domain clock{freq_mhz};
    core::frame_pool pool{9216};
    core::frame_events events;
    event_log log;
    vector_source source;
    rxbuf::receive_buffer rx;
    sc_core::sc_event start;
    ingress::adapter adapter;
    null_fifo nowhere{"nowhere"};
    driver drv{"driver", clock};

    adapter_rig(sc_core::sc_module_name name, bool replay, std::uint64_t rx_bytes,
                std::uint32_t records)
        : sc_module(name), rx("rx", rx_bytes, records),
          adapter("adapter", clock, params(replay), source, rx, pool, events, start) {
        events.add(&log);
        drv.fifo_out.bind(nowhere.socket);
    }

    static ingress::adapter_params params(bool replay) {
        ingress::adapter_params p;
        p.max_frame_bytes = 1518;
        p.replay_timestamps = replay;
        return p;
    }
};

struct rx_step {
    std::uint64_t bytes;
    std::size_t records;
    bool freed; // release() said the bytes were freed
};

struct bench {
    adapter_rig wire{"linerate", false, 1000, 4};
    adapter_rig replay{"replay", true, 1 << 20, 64};
    std::vector<std::uint32_t> wire_lens{60, 10, 2000, 500, 500, 60, 60, 60};
    std::vector<rx_step> steps;
    bool room_same_edge = true;
    std::pair<bool, bool> room_next{false, true};

    bench() {
        std::uint8_t seed = 0;
        for (std::uint32_t len : wire_lens)
            wire.source.items.push_back({0, sized({}, len, ++seed)});
        // 0, 1000 ns; 1010 ns while the wire is still busy; 500 ns goes backwards.
        for (std::uint64_t ts : {0, 1000, 1010, 500})
            replay.source.items.push_back({ts, sized({}, 60, ++seed)});
        wire.drv.script = [this](driver& d) {
            d.at(start_cycle);
            wire.start.notify();
            d.at(2000);
            // Play the parser and the send engine: records leave, bytes are freed.
            core::frame_slot* head = wire.rx.head();
            wire.rx.pop_head();
            head->readers += 1; // two readers, as for a fanned-out copy
            steps.push_back({wire.rx.bytes(), wire.rx.records(), wire.rx.release(head)});
            steps.push_back({wire.rx.bytes(), wire.rx.records(), wire.rx.release(head)});
            // Freed on this edge: not yet room on it, whichever ran first; room from the
            // next cycle on.
            room_same_edge = wire.rx.has_room(1);
            d.cycles(1);
            room_next = {wire.rx.has_room(380), wire.rx.has_room(381)};
        };
        replay.drv.script = [this](driver& d) {
            d.at(start_cycle);
            replay.start.notify();
        };
    }
};

std::unique_ptr<bench> g_bench;

// Independent arithmetic in integer picoseconds: each frame occupies the wire for
// preamble (8) + bytes + FCS (4), then the gap (12); arrival = first edge after the end.
std::vector<core::cycle_t> line_rate_arrivals(const std::vector<std::uint32_t>& lens) {
    std::vector<core::cycle_t> r;
    std::uint64_t t = start_cycle * ps_per_cycle;
    for (std::uint32_t len : lens) {
        const std::uint64_t end = t + (8 + len + 4) * ps_per_byte;
        r.push_back((end + ps_per_cycle - 1) / ps_per_cycle);
        t = end + 12 * ps_per_byte;
    }
    return r;
}

TEST(adapter, line_rate_pacing_in_whole_cycles) {
    const adapter_rig& r = g_bench->wire;
    const auto expected = line_rate_arrivals(g_bench->wire_lens);
    ASSERT_EQ(r.log.inputs.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(r.log.inputs[i].index, i);
        EXPECT_EQ(r.log.inputs[i].arrival, expected[i]) << i;
    }
    EXPECT_EQ(expected[0], 25u); // 40 ns + 72 bytes * 0.8 ns = 97.6 ns: edge 25
    EXPECT_EQ(r.adapter.stats().first_arrival, 25u);
    EXPECT_EQ(r.adapter.stats().frames, 8u);
    EXPECT_TRUE(r.adapter.done());
}

TEST(adapter, runt_oversize_and_overflow_drops_with_reasons) {
    const adapter_rig& r = g_bench->wire;
    const auto expected = line_rate_arrivals(g_bench->wire_lens);
    ASSERT_EQ(r.log.dropped.size(), 4u);
    const std::vector<std::uint64_t> index{1, 2, 4, 7};
    const std::vector<core::drop_reason> reason{
        core::drop_reason::runt, core::drop_reason::oversize, core::drop_reason::rx_overflow,
        core::drop_reason::rx_overflow}; // 4: bytes full; 7: addrq full (4 records)
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(r.log.dropped[i].index, index[i]);
        EXPECT_EQ(r.log.dropped[i].reason, reason[i]);
        EXPECT_FALSE(r.log.dropped[i].conn.has_value());
        EXPECT_EQ(r.log.dropped[i].cycle, expected[index[i]]); // dropped as it lands
    }
    EXPECT_EQ(r.log.dropped[2].data, r.source.items[4].data);
}

TEST(adapter, refuses_a_frame_past_what_systemc_time_holds) {
    // 2^63 ps: a frame ending just before is fine, one at or past it is refused in one
    // line that names the frame; a NaN (overflowed arithmetic) is refused too.
    clear_failure();
    EXPECT_NO_THROW(ingress::adapter::check_arrival_time(9.2e18, 0, 0));
    try {
        ingress::adapter::check_arrival_time(9.3e18, 41, 123);
        FAIL() << "a frame past 2^63 ps was accepted";
    } catch (const input_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("input frame 42 (timestamp 123 ns)"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    ASSERT_TRUE(recorded_failure().has_value());
    EXPECT_EQ(recorded_failure()->kind, "bad_input");
    clear_failure();
    EXPECT_THROW(ingress::adapter::check_arrival_time(std::nan(""), 0, 0), input_error);
    clear_failure();
}

TEST(receive_buffer, holds_bytes_and_records_until_released) {
    const adapter_rig& r = g_bench->wire;
    EXPECT_EQ(r.rx.high_water_bytes(), 60u + 500 + 60 + 60);
    ASSERT_EQ(g_bench->steps.size(), 2u);
    // Popping the head record frees a record; the bytes stay until the last reader.
    EXPECT_EQ(g_bench->steps[0].records, 3u);
    EXPECT_FALSE(g_bench->steps[0].freed);
    EXPECT_EQ(g_bench->steps[0].bytes, 680u);
    EXPECT_TRUE(g_bench->steps[1].freed);
    EXPECT_EQ(r.rx.bytes(), 620u);
    // Four records of 1000 bytes' worth: 620 + 380 fits once the freed space counts.
    EXPECT_FALSE(g_bench->room_same_edge); // the addrq was full (4) until this edge
    EXPECT_TRUE(g_bench->room_next.first);
    EXPECT_FALSE(g_bench->room_next.second);
}

TEST(adapter, timestamp_replay_late_and_clamped_frames) {
    const adapter_rig& r = g_bench->replay;
    ASSERT_EQ(r.log.inputs.size(), 4u);
    // 40 ns origin. 0 ns: ends 97.6; 1000 ns: ends 1097.6; 1010 ns is late, starts at
    // 1067.2+40 and ends 1164.8; 500 ns went backwards: replayed as 1010, late again,
    // ends 1232.0 exactly on an edge.
    EXPECT_EQ(r.log.inputs[0].arrival, 25u);
    EXPECT_EQ(r.log.inputs[1].arrival, 275u);
    EXPECT_EQ(r.log.inputs[2].arrival, 292u);
    EXPECT_EQ(r.log.inputs[3].arrival, 308u);
    EXPECT_EQ(r.adapter.stats().late_frames, 2u);
    EXPECT_EQ(r.adapter.stats().clamped_timestamps, 1u);
    EXPECT_EQ(r.adapter.stats().last_arrival, 308u);
    EXPECT_TRUE(r.log.dropped.empty());
    // Delivery timestamps map back onto the input's time base.
    EXPECT_EQ(r.adapter.to_trace_ns(start_cycle + 250), 1000u);
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
