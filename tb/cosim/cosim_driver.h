// Constrained-random stimulus for the elastic FIFO in lockstep (reference vs RTL): legal
// command streams chosen from the reference's state, with injected protocol errors,
// random idle gaps, pool exhaustion, multicast fan-out storms, pool grow/shrink and PICK
// service, then a full drain. Every command goes through lockstep_fifo_backend, which
// throws lockstep_mismatch at the first divergence.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "evr/fifo_rtl/lockstep_fifo_backend.h"

namespace evr::cosim {

struct stimulus_knobs {
    double error_rate = 0.02;      // share of commands with protocol errors
    double idle_rate = 0.3;        // share of commands issued after an idle gap
    uint32_t max_gap = 6;          // short idle gap, cycles
    double long_gap_rate = 0.0005; // share of gaps of up to 10^6 cycles
};

class cosim_driver {
public:
    cosim_driver(lockstep_fifo_backend& dut, uint64_t seed, const stimulus_knobs& knobs = {});

    // Issues `cmd` at the next issue cycle (after an idle gap drawn from the knobs) and
    // returns it with its (checked) response.
    const fifo_cmd& issue(const fifo_cmd& cmd);
    // Runs `count` random commands, switching between traffic phases.
    void run(uint64_t count);
    // Dequeues and releases everything, then returns what the reference and the RTL
    // say about it: "" when both are drained and their queue tables agree.
    std::string drain();

    uint64_t commands() const { return m_commands; }
    uint64_t cycle() const { return m_cycle; }
    uint64_t errors_injected() const { return m_errors; }

    // Replay and scale: EVR_COSIM_SEED (one seed) and EVR_COSIM_SCALE (command count
    // multiplier) from the environment.
    static std::vector<uint64_t> seeds(std::vector<uint64_t> defaults);
    static double scale();

private:
    enum class phase { steady, exhaust, storm, elastic, service, errors };

    void step();
    void steady_step();
    void exhaust_step();
    void storm_step();
    void elastic_step();
    void service_step();
    void error_step();

    bool do_alloc(uint32_t cls);
    void do_enqueue(uint32_t b, uint32_t q);
    bool do_dequeue(uint32_t q);
    void do_release(uint32_t b);
    bool do_link(uint32_t q, uint32_t n);
    bool do_add_free(uint32_t cls);
    bool do_remove_free(uint32_t cls);

    uint32_t pick(uint32_t n) { return static_cast<uint32_t>(m_rng() % n); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }
    uint32_t random_target_queue();   // a special or numbered queue
    uint32_t random_nonempty_queue(); // count() when none found quickly

    void hold(uint32_t b);
    void unhold(uint32_t b);

    lockstep_fifo_backend& m_dut;
    const elastic_fifo_ref& m_ref;
    fifo_params m_p;
    fifo_queues m_q;
    std::mt19937_64 m_rng;
    stimulus_knobs m_knobs;
    uint64_t m_cycle = 0; // next cycle the port is free
    uint64_t m_commands = 0;
    uint64_t m_errors = 0;
    phase m_phase = phase::steady;
    uint64_t m_phase_left = 0;
    uint32_t m_storm_source = 0; // normal buffer being fanned out, or none
    bool m_storm_active = false;
    uint32_t m_service_conn = 0;
    bool m_service_active = false;
    uint32_t m_next_addr = 0x1000;
    std::vector<uint32_t> m_held;    // buffers the stimulus holds (normal and indirect)
    std::vector<int32_t> m_held_pos; // index into m_held, -1 when not held
};

} // namespace evr::cosim
