// Mutation test: the Verilation "mutant" plants one bug (EVR_MUTANT_RR_STUCK: PICK never
// advances its round-robin pointer). Lockstep must catch it on a random stream and name
// the command; the same stream on the correct tiny Verilation must pass, so the catch is
// the mutant's doing and not the stream's.
#include <gtest/gtest.h>
#include <string>

#include "cosim_driver.h"
#include "cosim_models.h"

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

std::string run_stream(std::unique_ptr<rtl_model> model, uint64_t seed) {
    lockstep_fifo_backend dut(tiny_sizes(), std::move(model));
    cosim_driver drv(dut, seed);
    try {
        drv.run(20000);
        return drv.drain();
    } catch (const lockstep_mismatch& e) {
        return e.what();
    }
}

TEST(cosim_mutant, lockstep_catches_stuck_round_robin) {
    for (uint64_t seed : cosim_driver::seeds({7, 8})) {
        EXPECT_EQ(run_stream(make_rtl_model_tiny(true), seed), "") << "seed " << seed;
        const std::string caught = run_stream(make_rtl_model_mutant(true), seed);
        EXPECT_NE(caught.find("lockstep mismatch at cycle"), std::string::npos)
            << "seed " << seed << ": mutant not caught: '" << caught << "'";
        EXPECT_NE(caught.find("PICK"), std::string::npos) << caught;
        std::cout << "[mutant] seed " << seed << ": " << caught << "\n";
    }
}

} // namespace
} // namespace evr::cosim
