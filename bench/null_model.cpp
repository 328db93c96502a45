// Anchor (a) of docs/performance.md: what a naive clocked model costs before it does any
// work. One sc_clock and six empty SC_METHODs sensitive to its rising edge (one per
// engine of the router), simulated for the given number of cycles.
//   evr_null_model CYCLES [FREQ_MHZ]
// Prints {"cycles": N, "wall_seconds": S} on stdout.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

namespace {

class empty_engine : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk_in;

    SC_HAS_PROCESS(empty_engine);
    explicit empty_engine(const sc_core::sc_module_name& name)
        : sc_core::sc_module(name), clk_in("clk_in") {
        SC_METHOD(tick);
        sensitive << clk_in.pos();
        dont_initialize();
    }

    std::uint64_t ticks = 0;

private:
    void tick() { ++ticks; } // the least an engine can do on a clock edge
};

} // namespace

int sc_main(int argc, char* argv[]) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: evr_null_model CYCLES [FREQ_MHZ]\n");
        return 2;
    }
    const std::uint64_t cycles = std::strtoull(argv[1], nullptr, 10);
    const double mhz = argc > 2 ? std::atof(argv[2]) : 250.0;
    const sc_core::sc_time period(1e6 / mhz, sc_core::SC_PS);
    sc_core::sc_clock clk("clk", period);
    std::vector<std::unique_ptr<empty_engine>> engines;
    for (const char* name : {"parser", "allocator", "send", "store", "local", "assist"}) {
        engines.push_back(std::make_unique<empty_engine>(name));
        engines.back()->clk_in(clk);
    }
    const auto start = std::chrono::steady_clock::now();
    sc_core::sc_start(period * static_cast<double>(cycles));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"cycles\": %llu, \"ticks\": %llu, \"wall_seconds\": %.6f}\n",
                static_cast<unsigned long long>(cycles),
                static_cast<unsigned long long>(engines.front()->ticks), wall);
    return 0;
}
