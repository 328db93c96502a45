// VM farm (host side) unit test with the real allocator: a completed host write returns
// its credit at once and is reported as delivered; each VM consumes its frames one at a
// time (service_cycles) and re-posts the buffers each one used; a stall episode consumes
// nothing (a service that would end inside it ends when the stall does). Also the
// host-availability trace reader.
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "engine_bench.h"
#include "evr/allocator/allocator.h"
#include "evr/common/error.h"
#include "evr/host/vm_farm.h"

namespace evr::test {
namespace {

constexpr std::uint32_t service = 100;

struct news {
    core::cycle_t cycle;
    bool credit;
    std::vector<std::uint32_t> conns;
};

class watcher : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(watcher);
    watcher(sc_core::sc_module_name name, const core::clock_domain& clock,
            allocator::allocator& alloc)
        : sc_module(name), m_clock(clock), m_alloc(alloc) {
        SC_THREAD(run);
    }
    std::vector<news> seen;
    // Re-posts per connection: (cycle, posted after it).
    std::vector<std::pair<core::cycle_t, std::uint32_t>> reposts(std::uint32_t k) const {
        std::vector<std::pair<core::cycle_t, std::uint32_t>> r;
        for (std::size_t i = 0; i < seen.size(); ++i)
            for (std::uint32_t c : seen[i].conns)
                if (c == k)
                    r.emplace_back(seen[i].cycle, posted[i][k]);
        return r;
    }
    std::vector<std::vector<std::uint32_t>> posted;

private:
    void run() {
        for (;;) {
            m_alloc.resources_returned().wait();
            news n{m_clock.now(), false, {}};
            n.credit = m_alloc.take_returned(n.conns);
            seen.push_back(n);
            posted.push_back({m_alloc.posted(0), m_alloc.posted(1)});
        }
    }
    const core::clock_domain& m_clock;
    allocator::allocator& m_alloc;
};

struct probe {
    core::cycle_t cycle;
    bool stalled1;
    std::uint32_t stalled_now;
};

struct bench {
    core::clock_domain clock{freq_mhz};
    allocator::allocator alloc{"allocator", clock, {{4, 2048}, {4, 2048}}, 4, 2};
    core::frame_events events;
    event_log log;
    host::vm_farm farm{"vms", clock,  {{service, false, 0, 0}, {service, false, 0, 0}},
                       alloc, events, 1};
    watcher watch{"watch", clock, alloc};
    null_fifo nowhere{"nowhere"};
    driver drv{"driver", clock};
    std::vector<probe> probes;
    bytes payload = unicast(0x020000000001, 0, 100, 9);

    bench() {
        events.add(&log);
        drv.fifo_out.bind(nowhere.socket);
        drv.script = [this](driver& d) {
            // VM 1 stalls from 1000 for 500 cycles.
            farm.schedule({{1, 1000, 500, false}}, 0);
            d.at(10);
            write(0, 0, 1500, core::path_kind::direct); // 1 buffer
            d.at(20);
            write(1, 0, 3000, core::path_kind::stored); // 2 buffers, queued behind frame 0
            d.at(900);
            write(2, 1, 100, core::path_kind::direct); // its service would end at 1000
            d.at(1200);
            write(3, 1, 100, core::path_kind::assisted); // arrives during the stall
            sample();
            d.at(1600);
            sample();
        };
    }

    // What the parser and the host memory would do for one frame.
    void write(std::uint64_t index, std::uint32_t conn, std::uint32_t len, core::path_kind p) {
        alloc.try_direct(conn, len);
        mem::frame_ext ext;
        ext.index = index;
        ext.conn = conn;
        ext.orig_len = len;
        ext.path = p;
        farm.on_host_write(ext, payload.data(), static_cast<std::uint32_t>(payload.size()),
                           clock.now());
    }
    void sample() { probes.push_back({clock.now(), farm.stalled(1), farm.stalled_now()}); }
};

std::unique_ptr<bench> g_bench;

TEST(vm_farm, host_writes_are_delivered_and_return_their_credit) {
    const bench& b = *g_bench;
    ASSERT_EQ(b.log.delivered.size(), 4u);
    const std::vector<core::cycle_t> cycles{10, 20, 900, 1200};
    const std::vector<core::path_kind> paths{core::path_kind::direct, core::path_kind::stored,
                                             core::path_kind::direct, core::path_kind::assisted};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(b.log.delivered[i].index, i);
        EXPECT_EQ(b.log.delivered[i].cycle, cycles[i]);
        EXPECT_EQ(b.log.delivered[i].path, paths[i]);
        EXPECT_EQ(b.log.delivered[i].data, b.payload);
    }
    EXPECT_EQ(b.farm.delivered(), 4u);
    EXPECT_EQ(b.alloc.credits_in_use(), 0u);
    ASSERT_FALSE(b.watch.seen.empty());
    EXPECT_EQ(b.watch.seen[0].cycle, 10u);
    EXPECT_TRUE(b.watch.seen[0].credit);
}

TEST(vm_farm, frames_are_consumed_one_at_a_time_and_their_buffers_reposted) {
    const auto r = g_bench->watch.reposts(0);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].first, 10u + service);     // frame 0
    EXPECT_EQ(r[0].second, 2u);               // 4 - 1 - 2 + 1
    EXPECT_EQ(r[1].first, 10u + 2 * service); // frame 1 waited for frame 0's service
    EXPECT_EQ(r[1].second, 4u);               // its two buffers are back
    EXPECT_EQ(g_bench->alloc.posted(0), 4u);
}

TEST(vm_farm, a_stalled_vm_consumes_nothing_until_the_episode_ends) {
    const bench& b = *g_bench;
    const auto r = b.watch.reposts(1);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].first, 1500u); // the service due at 1000 completes when the stall ends
    EXPECT_EQ(r[1].first, 1500u + service);
    EXPECT_EQ(b.alloc.posted(1), 4u);
    ASSERT_EQ(b.probes.size(), 2u);
    EXPECT_TRUE(b.probes[0].stalled1);
    EXPECT_EQ(b.probes[0].stalled_now, 1u);
    EXPECT_FALSE(b.probes[1].stalled1);
    EXPECT_EQ(b.probes[1].stalled_now, 0u);
    EXPECT_EQ(b.farm.stall_episodes(), 1u);
}

class availability_trace : public ::testing::Test {
protected:
    std::string write(const std::string& text) {
        const std::string path = ::testing::TempDir() + "evr_vm_farm_availability.csv";
        std::ofstream(path) << text;
        return path;
    }
    core::clock_domain clock{freq_mhz};
    std::vector<std::string> names{"x", "y"};
};

TEST_F(availability_trace, stall_resume_pairs_become_episodes_in_cycles) {
    const std::string path = write("# time_ns,connection,event\n"
                                   "1000,y,stall\n"
                                   "2000,y,stall\n" // already stalled: ignored
                                   "3000,y,resume\r\n"
                                   "3500,x,resume\n" // not stalled: ignored
                                   "4000,x,stall\n");
    const auto e = host::read_availability_trace(path, names, clock);
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[0].conn, 1u);
    EXPECT_EQ(e[0].start, 250u);
    EXPECT_EQ(e[0].duration, 500u);
    EXPECT_FALSE(e[0].forever);
    EXPECT_EQ(e[1].conn, 0u);
    EXPECT_EQ(e[1].start, 1000u);
    EXPECT_TRUE(e[1].forever); // no resume: stalled to the end
    std::remove(path.c_str());
}

TEST_F(availability_trace, errors_name_the_file_and_line) {
    const std::string path = write("1000,x,stall\n500,x,resume\n");
    try {
        host::read_availability_trace(path, names, clock);
        FAIL() << "no error for a time going backwards";
    } catch (const input_error& e) {
        EXPECT_NE(std::string(e.what()).find(path + ":2: times must not go backwards"),
                  std::string::npos)
            << e.what();
    }
    const std::string unknown = write("1000,z,stall\n");
    EXPECT_THROW(host::read_availability_trace(unknown, names, clock), input_error);
    std::remove(path.c_str());
}

} // namespace
} // namespace evr::test

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    evr::test::g_bench = std::make_unique<evr::test::bench>();
    sc_core::sc_start();
    return RUN_ALL_TESTS();
}
