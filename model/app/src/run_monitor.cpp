#include "run_monitor.h"

#include <cstdio>
#include <pthread.h>
#include <unistd.h>

#include <systemc>

#include "summary.h"

namespace evr::app {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void note_signal(int sig) {
    g_signal = sig;
}

// Frame events between two looks at the clock and the signal flag: often enough to stop
// within microseconds of wall time, rare enough to cost nothing per frame.
constexpr std::uint32_t poll_every = 1024;

} // namespace

void install_stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr); // a closed terminal or `scancel`: stop as cleanly
}

int stop_signal() {
    return g_signal;
}

std::string signal_name(int sig) {
    switch (sig) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "signal " + std::to_string(sig);
    }
}

run_monitor::run_monitor(const core::clock_domain& clock, bool progress,
                         std::optional<double> every_seconds,
                         std::optional<std::uint64_t> expected_frames)
    : m_clock(clock), m_progress(progress && (every_seconds || isatty(STDERR_FILENO))),
      m_log_lines(every_seconds.has_value()), m_expected(expected_frames),
      m_start(std::chrono::steady_clock::now()), m_last_print(m_start) {
    if (every_seconds)
        m_every = std::chrono::duration<double>(*every_seconds);
    // The watcher takes no signals itself (blocked here, inherited by the thread).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    m_watcher = std::thread([this] {
        while (m_watching.load()) {
            if (g_signal != 0) {
                m_stopper.async_request_update();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

run_monitor::~run_monitor() {
    m_watching = false;
    m_watcher.join();
}

int run_monitor::interrupted_by() const {
    return g_signal;
}

void run_monitor::on_input(const core::frame_slot&) {
    ++m_inputs;
    poll();
}

void run_monitor::poll() {
    if (++m_events < poll_every)
        return;
    m_events = 0;
    if (g_signal != 0 && !m_stopping) {
        m_stopping = true; // a second signal while stopping changes nothing
        sc_core::sc_stop();
        return;
    }
    if (!m_progress)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last_print >= m_every) {
        m_last_print = now;
        print_progress();
    }
}

void run_monitor::print_progress() {
    const double wall = std::chrono::duration<double>(m_last_print - m_start).count();
    const double sim_ns = static_cast<double>(m_clock.now()) * m_clock.period_ns();
    char pct[32] = "";
    if (m_expected && *m_expected > 0)
        std::snprintf(pct, sizeof pct, " (%.0f%%)",
                      100.0 * static_cast<double>(m_inputs) / static_cast<double>(*m_expected));
    std::fprintf(stderr, "%sevrsim: %llu frames%s, %s simulated in %s wall, %.0f frames/s%s",
                 m_log_lines ? "" : "\r", static_cast<unsigned long long>(m_inputs), pct,
                 human_duration(sim_ns).c_str(), human_duration(wall * 1e9).c_str(),
                 wall > 0 ? static_cast<double>(m_inputs) / wall : 0.0, m_log_lines ? "\n" : "  ");
    std::fflush(stderr);
    m_line_shown = !m_log_lines;
}

void run_monitor::clear_line() {
    if (m_line_shown)
        std::fprintf(stderr, "\r\033[K");
    m_line_shown = false;
}

} // namespace evr::app
