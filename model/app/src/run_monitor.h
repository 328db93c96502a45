// Watches a run: a progress line on stderr (redrawn in place when stderr is a terminal;
// with --progress SECONDS a new line per interval, for logs) and a clean stop on a stop
// signal. Both look at frame events; a watcher thread also asks the kernel to stop
// (async_request_update) within 50 ms of a signal, for the stretches with no frame
// events (idle gaps full of stall episodes). Both piggyback on frame events rather
// than on a timer process, so they cost nothing while the model is idle and never keep
// the simulation alive.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include <systemc>

#include "evr/core/cycles.h"
#include "evr/core/frame_events.h"

namespace evr::app {

// SIGINT, SIGTERM and SIGHUP end a run in order (docs/evrsim.md, "Interrupting a run"):
// the handlers, installed once at the start of evrsim, only note the signal; whoever is
// working looks at it. stop_signal() is that signal, or 0.
void install_stop_signals();
int stop_signal();
std::string signal_name(int sig); // "SIGINT", "SIGTERM", "SIGHUP"; else "signal N"

// Thrown where a signal is seen before the simulation starts (the learning pass): nothing
// has been written, evrsim exits 128 + signal.
struct interrupted_error {
    int signal;
};

class run_monitor : public core::frame_listener {
public:
    // `expected_frames`: input size when known (built-in workload), for a percentage.
    // `every_seconds`: a line per interval on any stderr; unset, a redrawn line on a
    // terminal only. `progress` false: no progress at all.
    run_monitor(const core::clock_domain& clock, bool progress, std::optional<double> every_seconds,
                std::optional<std::uint64_t> expected_frames);
    ~run_monitor() override;

    void on_input(const core::frame_slot&) override;
    void on_fanout(std::uint64_t, std::uint32_t) override {}
    void on_delivered(const core::copy_view&, core::path_kind) override { poll(); }
    void on_dropped(const core::copy_view&, core::drop_reason) override { poll(); }

    // The signal that stopped the run, or 0.
    int interrupted_by() const;
    // Erases the progress line (call before printing the summary).
    void clear_line();

private:
    void poll();
    void print_progress();

    const core::clock_domain& m_clock;
    bool m_progress;
    bool m_log_lines = false; // a new line per report, not one redrawn line
    std::chrono::duration<double> m_every{0.5};
    std::optional<std::uint64_t> m_expected;
    std::uint64_t m_inputs = 0;
    std::uint32_t m_events = 0;
    bool m_stopping = false;
    bool m_line_shown = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last_print;
    // Stops the kernel from its update phase, the one way another thread may reach it.
    struct stopper : sc_core::sc_prim_channel {
        stopper() : sc_core::sc_prim_channel(sc_core::sc_gen_unique_name("stop_on_signal")) {}
        void update() override { sc_core::sc_stop(); }
    };
    stopper m_stopper;
    std::atomic<bool> m_watching{true};
    std::thread m_watcher;
};

} // namespace evr::app
