// Constrained-random co-simulation: the RTL elastic FIFO in lockstep with the C++
// reference at three Verilated parameter sets (tiny, mid, the product build at large run-
// time sizes) and at run-time sizes below a Verilation's capacity. Each seed runs a
// random command stream and a full drain; the first divergence fails with the seed and
// the replay command. EVR_COSIM_SEED=N replays one seed; EVR_COSIM_SCALE=x scales the
// command counts.
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <memory>

#include "cosim_driver.h"
#include "cosim_models.h"
#include "evr/fifo_rtl/lockstep_fifo_backend.h"

namespace evr::cosim {
namespace {

struct param_set {
    const char* name;
    std::function<std::unique_ptr<rtl_model>(bool)> make;
    fifo_params sizes;
    uint64_t commands; // per seed
    std::vector<uint64_t> seeds;
};

fifo_params sizes(uint32_t classes, uint32_t descriptors, uint32_t indirect, uint32_t connections) {
    fifo_params p;
    p.classes = classes;
    p.descriptors = descriptors;
    p.indirect = indirect;
    p.connections = connections;
    return p;
}

class cosim_random : public ::testing::TestWithParam<param_set> {};

TEST_P(cosim_random, lockstep_random_streams) {
    const param_set& ps = GetParam();
    const auto n = static_cast<uint64_t>(static_cast<double>(ps.commands) * cosim_driver::scale());
    for (uint64_t seed : cosim_driver::seeds(ps.seeds)) {
        const auto t0 = std::chrono::steady_clock::now();
        lockstep_fifo_backend dut(ps.sizes, ps.make(true));
        cosim_driver drv(dut, seed);
        std::string problem;
        try {
            drv.run(n);
            problem = drv.drain();
        } catch (const std::exception& e) {
            problem = e.what();
        }
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(problem, "") << ps.name << " seed " << seed << " after " << drv.commands()
                               << " commands; replay: EVR_COSIM_SEED=" << seed
                               << " --gtest_filter='*" << ps.name << "*'";
        // Errors must be exercised, and a drain must have issued its commands too.
        EXPECT_GT(drv.errors_injected(), 0u) << ps.name << " seed " << seed;
        std::cout << "[cosim] " << ps.name << " seed " << seed << ": " << drv.commands()
                  << " commands (" << drv.errors_injected() << " protocol errors), " << drv.cycle()
                  << " cycles, " << dut.rtl().clocked_cycles() << " clocked, " << s << " s, "
                  << static_cast<double>(drv.commands()) / s << " commands/s\n";
    }
}

INSTANTIATE_TEST_SUITE_P(
    sets, cosim_random,
    ::testing::Values(
        // Verilation tiny at full capacity: every pool runs dry all the time.
        param_set{"tiny", make_rtl_model_tiny, sizes(2, 12, 6, 3), 100000, {1, 2, 3, 4, 5, 6}},
        // Verilation mid at full capacity (fifo_params' defaults).
        param_set{"mid", make_rtl_model_mid, sizes(4, 4096, 4096, 1024), 300000, {11, 12}},
        // Verilation mid with smaller run-time sizes: two PICK words, odd counts.
        param_set{"mid_small", make_rtl_model_mid, sizes(3, 100, 37, 70), 200000, {21, 22}},
        // The product Verilation at large run-time sizes (all three PICK levels).
        param_set{"large", make_rtl_model_evr, sizes(16, 200000, 150000, 262144), 400000, {31, 32}},
        // The product Verilation at evrsim-like sizes.
        param_set{"evr_default", make_rtl_model_evr, sizes(3, 17400, 16384, 64), 300000, {41}}),
    [](const ::testing::TestParamInfo<param_set>& i) { return std::string(i.param.name); });

} // namespace
} // namespace evr::cosim
