// The independent checker must catch a broken router. This test runs the whole router on
// the built-in workload and plants one fault, chosen on the command line, in the stream of
// frame events between the engines and the checker: a reordered, misrouted, corrupted,
// lost or duplicated copy, a copy sent across a VLAN, or a buffer missing at the end. The
// outputs (run_recorder) still see the truth, so the run completes normally; only the
// checker's view is falsified. `--fault=none` is the control: the same run must pass.
// One fault per process because SystemC elaborates once; CTest runs each kind.
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "evr/app/scenario.h"
#include "evr/check/checker.h"
#include "evr/config/config.h"
#include "evr/output/run_recorder.h"
#include "evr/router/router.h"

namespace evr {
namespace {

enum class fault { none, reorder, misroute, vlan_crossing, corrupt, lose, duplicate, leak };

std::string g_fault_name = "none";

fault parse_fault(const std::string& s) {
    if (s == "none")
        return fault::none;
    if (s == "reorder")
        return fault::reorder;
    if (s == "misroute")
        return fault::misroute;
    if (s == "vlan_crossing")
        return fault::vlan_crossing;
    if (s == "corrupt")
        return fault::corrupt;
    if (s == "lose")
        return fault::lose;
    if (s == "duplicate")
        return fault::duplicate;
    if (s == "leak")
        return fault::leak;
    throw std::invalid_argument("unknown --fault=" + s);
}

// Sits between the router's frame events and the checker and falsifies one delivery.
// Only direct-path unicast deliveries are touched, well into the run, so the fault is a
// single clear violation of one rule.
class fault_injector : public core::frame_listener {
public:
    fault_injector(fault kind, check::checker& checker, const router::scenario& sc)
        : m_kind(kind), m_checker(checker), m_sc(sc) {}

    void on_input(const core::frame_slot& f) override { m_checker.on_input(f); }
    void on_fanout(std::uint64_t index, std::uint32_t copies) override {
        m_checker.on_fanout(index, copies);
    }
    void on_dropped(const core::copy_view& c, core::drop_reason r) override {
        m_checker.on_dropped(c, r);
    }

    void on_delivered(const core::copy_view& c, core::path_kind path) override {
        // reorder: the held copy goes after the next unicast (direct) copy to its
        // connection; a broadcast copy would not do, they are ordered only among themselves.
        if (m_held) {
            if (c.conn == m_held->view.conn && path == core::path_kind::direct) {
                m_checker.on_delivered(c, path);
                m_held->view.data = m_held->bytes.data();
                m_checker.on_delivered(m_held->view, m_held->path);
                m_held.reset();
                return;
            }
        }
        if (m_injected || m_kind == fault::none || path != core::path_kind::direct ||
            c.index < 1000 || !c.conn) {
            m_checker.on_delivered(c, path);
            return;
        }
        core::copy_view v = c;
        std::vector<std::uint8_t> bytes(c.data, c.data + c.cap_len);
        switch (m_kind) {
        case fault::reorder:
            m_held = held{v, std::move(bytes), path};
            break;
        case fault::misroute:
        case fault::vlan_crossing: {
            const auto other = other_connection(*c.conn, m_kind == fault::misroute);
            if (!other) {
                m_checker.on_delivered(c, path);
                return;
            }
            v.conn = other;
            m_checker.on_delivered(v, path);
            break;
        }
        case fault::corrupt:
            bytes[bytes.size() / 2] ^= 0x40;
            v.data = bytes.data();
            m_checker.on_delivered(v, path);
            break;
        case fault::lose:
            break; // the checker never hears of it
        case fault::duplicate:
            m_checker.on_delivered(c, path);
            m_checker.on_delivered(c, path);
            break;
        case fault::leak:
        case fault::none:
            m_checker.on_delivered(c, path);
            return; // not a delivery fault
        }
        m_injected = true;
    }

    bool injected() const { return m_injected; }

private:
    // A connection in the same VLAN (misroute) or in another one (VLAN crossing).
    std::optional<std::uint32_t> other_connection(std::uint32_t k, bool same_vlan) const {
        const auto& conns = m_sc.connections;
        for (std::uint32_t j = 0; j < conns.size(); ++j)
            if (j != k && (conns[j].vlan == conns[k].vlan) == same_vlan)
                return j;
        return std::nullopt;
    }

    struct held {
        core::copy_view view;
        std::vector<std::uint8_t> bytes;
        core::path_kind path;
    };

    fault m_kind;
    check::checker& m_checker;
    const router::scenario& m_sc;
    std::optional<held> m_held;
    bool m_injected = false;
};

struct outcome {
    check::verdict verdict;
    bool injected = false;
    bool finished = false;
};
outcome g_outcome;

void simulate(fault kind) {
    const config::config cfg = config::load_config(
        "", {"workload.frames=4000", "output.conn_pcaps=false", "output.dropped_pcap=false",
             "output.packets_csv=false", "output.timeline=false"});
    app::prepared_scenario prep = app::prepare_scenario(cfg, std::nullopt);
    router::router top("router", cfg, prep.scenario);
    output::recorder_options ro;
    ro.conn_pcaps = ro.dropped_pcap = ro.packets_csv = false;
    output::run_recorder recorder(ro, prep.names, [](core::cycle_t c) { return c; });
    check::checker checker(prep.scenario.connections, prep.scenario.groups,
                           prep.scenario.default_connection, check::ordering_mode::connection);
    fault_injector injector(kind, checker, prep.scenario);
    top.add_listener(&injector);
    top.add_listener(&recorder);
    top.open_frames = [&recorder]() { return recorder.open_frames(); };
    sc_core::sc_start();

    const elastic_fifo_ref& fifo = top.fifo();
    std::uint64_t free_normal = 0;
    for (std::uint32_t c = 0; c < top.queues().classes; ++c)
        free_normal += fifo.free_count(c);
    // leak: report one normal buffer fewer back on its pool than the FIFO holds.
    if (kind == fault::leak)
        free_normal -= 1;
    checker.check_buffers(fifo.live_normal(), free_normal, 0, cfg.fifo.indirect_buffers,
                          fifo.indirect_free_count());
    g_outcome.verdict = checker.finish(recorder.open_indices());
    g_outcome.injected = injector.injected() || kind == fault::leak;
    g_outcome.finished = top.finished();
}

TEST(checker_faults, the_planted_fault_and_only_it_is_reported) {
    const fault kind = parse_fault(g_fault_name);
    const check::verdict& v = g_outcome.verdict;
    ASSERT_TRUE(g_outcome.finished) << "the router did not resolve every frame";
    EXPECT_GT(v.frames_checked, 3000u);
    if (kind == fault::none) {
        EXPECT_TRUE(v.pass) << (v.messages.empty() ? "" : v.messages.front());
        EXPECT_EQ(v.violations, 0u);
        return;
    }
    ASSERT_TRUE(g_outcome.injected) << "no opportunity to inject " << g_fault_name;
    EXPECT_FALSE(v.pass);
    ASSERT_FALSE(v.messages.empty());
    std::cout << "checker on '" << g_fault_name << "': " << v.messages.front() << "\n";
    switch (kind) {
    case fault::reorder:
        EXPECT_EQ(v.order_violations, 1u);
        EXPECT_EQ(v.violations, 1u);
        break;
    case fault::misroute:
        // The copy reached a wrong connection and never the right one.
        EXPECT_EQ(v.misrouted, 1u);
        EXPECT_EQ(v.missing, 1u);
        break;
    case fault::vlan_crossing:
        EXPECT_EQ(v.vlan_crossings, 1u);
        EXPECT_EQ(v.missing, 1u);
        break;
    case fault::corrupt:
        EXPECT_EQ(v.byte_mismatches, 1u);
        EXPECT_EQ(v.violations, 1u);
        break;
    case fault::lose:
        EXPECT_EQ(v.missing, 1u);
        EXPECT_EQ(v.violations, 1u);
        break;
    case fault::duplicate:
        EXPECT_EQ(v.duplicates, 1u);
        EXPECT_EQ(v.violations, 1u);
        break;
    case fault::leak:
        EXPECT_EQ(v.buffer_mismatches, 1u);
        EXPECT_EQ(v.violations, 1u);
        break;
    case fault::none:
        break;
    }
}

} // namespace
} // namespace evr

int sc_main(int argc, char** argv) {
    testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--fault=", 0) == 0)
            evr::g_fault_name = a.substr(8);
    }
    try {
        evr::simulate(evr::parse_fault(evr::g_fault_name));
    } catch (const std::exception& e) {
        std::cerr << "checker_faults_test: " << e.what() << "\n";
        return 2;
    }
    return RUN_ALL_TESTS();
}
