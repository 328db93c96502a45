#include "evr/app/run.h"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sys/resource.h>
#include <unistd.h>

#include <systemc>

#include "evr/app/scenario.h"
#include "evr/app/stats_json.h"
#include "evr/check/checker.h"
#include "evr/common/error.h"
#include "evr/config/config.h"
#include "evr/output/run_recorder.h"
#include "evr/output/timeline_sampler.h"
#include "evr/router/router.h"
#include "run_monitor.h"
#include "waveform.h"

namespace evr::app {

namespace {

namespace fs = std::filesystem;

void prepare_outdir(const std::string& outdir) {
    std::error_code ec;
    fs::create_directories(fs::path(outdir) / "conn", ec);
    if (ec)
        throw input_error(file_problem(outdir, "cannot create output folder: " + ec.message()));
    const fs::path probe = fs::path(outdir) / ".evrsim-write-test";
    {
        std::ofstream f(probe);
        if (!f)
            throw input_error(file_problem(outdir, "output folder is not writable"));
    }
    fs::remove(probe, ec);
}

// One pcap per connection may be open at once: take the whole descriptor allowance.
void raise_fd_limit() {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

void write_json(const std::string& path, const nlohmann::json& j) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream f(tmp);
        f << j.dump(2) << '\n';
        if (!f)
            throw input_error(file_problem(path, "cannot write"));
    }
    fs::rename(tmp, path); // readers never see a half-written stats.json
}

void print_summary(const nlohmann::json& s, const std::string& outdir) {
    const auto& d = s["dropped"];
    std::cerr << "evrsim: " << s["input"]["frames"].get<std::uint64_t>() << " frames from "
              << s["input"]["source"].get<std::string>() << ", policy "
              << s["config"]["policy"].get<std::string>() << "\n"
              << "  delivered " << s["delivered"]["frames"].get<std::uint64_t>() << " frames ("
              << s["delivered"]["copies"].get<std::uint64_t>()
              << " copies: " << s["delivered"]["paths"]["direct"].get<std::uint64_t>()
              << " direct, " << s["delivered"]["paths"]["stored"].get<std::uint64_t>()
              << " stored, " << s["delivered"]["paths"]["assisted"].get<std::uint64_t>()
              << " assisted)\n"
              << "  dropped " << d["total"].get<std::uint64_t>();
    bool first = true;
    for (auto it = d["by_reason"].begin(); it != d["by_reason"].end(); ++it) {
        if (it.value().get<std::uint64_t>() == 0)
            continue;
        std::cerr << (first ? " (" : ", ") << it.key() << " " << it.value().get<std::uint64_t>();
        first = false;
    }
    std::cerr << (first ? "" : ")") << "\n"
              << "  latency p50 " << s["latency"]["ns"].value("p50", 0.0) << " ns, p99 "
              << s["latency"]["ns"].value("p99", 0.0) << " ns\n"
              << "  simulated " << s["sim"]["time_ns"].get<double>() / 1e6 << " ms in "
              << s["sim"]["wall_seconds"].get<double>() << " s wall\n";
    if (s["checker"].contains("pass"))
        std::cerr << "  checker: " << (s["checker"]["pass"].get<bool>() ? "pass" : "FAIL") << "\n";
    std::cerr << "  outputs: " << outdir
              << "/ (stats.json, packets.csv, timeline.csv, conn/*.pcap, dropped.pcap)\n";
}

core::cycle_t timeline_interval_cycles(const config::config& cfg) {
    const double cycles = cfg.output.timeline_interval_us * cfg.clock.freq_mhz;
    return std::max<core::cycle_t>(1, static_cast<core::cycle_t>(cycles + 0.5));
}

output::timeline_levels levels_of(const router::router& top) {
    const fifo_status& fifo = top.fifo_stats();
    output::timeline_levels l;
    std::uint64_t free_normal = 0;
    for (std::uint32_t c = 0; c < top.queues().classes; ++c)
        free_normal += fifo.free_count(c);
    l.fifo_buffers = fifo.live_normal() - free_normal;
    l.fifo_indirect = fifo.params().indirect - fifo.indirect_free_count();
    l.queued_numbered = fifo.queued_numbered();
    l.queued_special = fifo.queued_special();
    l.footprint_bytes = top.pools().footprint_bytes();
    l.rx_buffer_bytes = top.rx().bytes();
    l.stalled_vms = top.vms().stalled_now();
    return l;
}

// SIGINT/SIGTERM: what was written stays valid and says it is partial. Frames still in
// flight are neither delivered nor dropped, so packets.csv has no row for them and the
// checker's verdict would be meaningless: it is skipped, not faked.
int finish_interrupted(int sig, const config::config& cfg, const prepared_scenario& prep,
                       const router::router& top, output::run_recorder& recorder,
                       output::timeline_sampler* timeline, core::cycle_t end_cycle,
                       std::chrono::steady_clock::time_point wall_start, const cli_options& opts) {
    const std::uint64_t in_flight = recorder.open_frames();
    recorder.close();
    if (timeline)
        timeline->finish(end_cycle);
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
    run_facts facts(cfg, top, recorder);
    facts.input_name = prep.input_name;
    facts.learned = prep.learned;
    facts.complete = false;
    facts.incomplete_reason = std::string("interrupted by ") + name + " at cycle " +
                              std::to_string(end_cycle) + "; " + std::to_string(in_flight) +
                              " frames in flight are not in the outputs";
    facts.sim_cycles = end_cycle;
    facts.wall_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    facts.checker = {{"skipped", "run interrupted"}};
    write_json(opts.outdir + "/stats.json", make_stats(facts));
    std::cerr << "evrsim: " << facts.incomplete_reason << "; outputs in " << opts.outdir
              << " cover the frames resolved so far (stats.json: complete=false)\n";
    return 128 + sig;
}

} // namespace

int run(const cli_options& opts) {
    try {
        const config::config cfg = config::load_config(opts.config_file, effective_sets(opts));
        if (opts.print_config) {
            std::cout << config::to_yaml(cfg);
            return exit_ok;
        }
        const waveform_request wave_req = check_waveform_options(opts, cfg);

        prepared_scenario prep = prepare_scenario(cfg, opts.trace);
        prepare_outdir(opts.outdir);
        raise_fd_limit();
        std::signal(SIGXFSZ, SIG_IGN); // a file-size limit becomes a write error, not a kill

        const auto wall_start = std::chrono::steady_clock::now();
        router::router top("router", cfg, prep.scenario);
        output::recorder_options ro;
        ro.outdir = opts.outdir;
        ro.conn_pcaps = cfg.output.conn_pcaps;
        ro.dropped_pcap = cfg.output.dropped_pcap;
        ro.packets_csv = cfg.output.packets_csv;
        const ingress::adapter* ad = &top.adapter();
        output::run_recorder recorder(ro, prep.names,
                                      [ad](core::cycle_t c) { return ad->to_trace_ns(c); });
        check::checker checker(prep.scenario.connections, prep.scenario.groups,
                               prep.scenario.default_connection,
                               cfg.router.ordering == config::ordering_mode::strict
                                   ? check::ordering_mode::strict
                                   : check::ordering_mode::connection);
        // The checker listens first: it must see each input before the recorder's drops.
        top.add_listener(&checker);
        top.add_listener(&recorder);
        top.open_frames = [&recorder]() { return recorder.open_frames(); };
        std::unique_ptr<output::timeline_sampler> timeline;
        if (cfg.output.timeline) {
            timeline = std::make_unique<output::timeline_sampler>(
                "timeline", top.clock(), timeline_interval_cycles(cfg),
                opts.outdir + "/timeline.csv", [&top]() { return levels_of(top); });
            top.add_listener(timeline.get());
        }

        std::optional<std::uint64_t> expected;
        if (!opts.trace)
            expected = cfg.replay.max_packets
                           ? std::min(cfg.replay.max_packets, cfg.workload.frames)
                           : cfg.workload.frames;
        run_monitor monitor(top.clock(), !opts.quiet, expected);
        top.add_listener(&monitor);

        // Waveform (docs/waveforms.md): nothing is attached unless it is asked for.
        std::unique_ptr<wave::router_waves> waves;
        if (wave_req.wanted)
            waves = start_waveform(wave_req, top, cfg, prep.names);
        auto close_waves = [&]() {
            if (!waves)
                return;
            const std::string problem = finish_waveform(wave_req, *waves);
            if (!problem.empty())
                throw input_error(problem);
        };
        try {
            sc_core::sc_start();
        } catch (const sc_core::sc_report&) {
            // A failed run (lockstep divergence, RTL assertion) leaves a waveform that
            // ends where it stopped.
            monitor.clear_line();
            if (waves)
                finish_waveform(wave_req, *waves);
            throw;
        }
        const core::cycle_t end_cycle = top.clock().now();
        monitor.clear_line();
        close_waves();
        if (const int sig = monitor.interrupted_by())
            return finish_interrupted(sig, cfg, prep, top, recorder, timeline.get(), end_cycle,
                                      wall_start, opts);
        const std::vector<std::uint64_t> parked_indices = recorder.open_indices();
        const std::uint64_t parked = parked_indices.size();
        recorder.park_open_frames(end_cycle);
        recorder.close();
        if (timeline)
            timeline->finish(end_cycle);

        // Buffer conservation, judged from the FIFO's own lists.
        const fifo_status& fifo = top.fifo_stats();
        std::uint64_t free_normal = 0;
        for (std::uint32_t c = 0; c < top.queues().classes; ++c)
            free_normal += fifo.free_count(c);
        const std::uint64_t bound = fifo.live_normal();
        checker.check_buffers(bound, free_normal, parked ? bound - free_normal : 0,
                              cfg.fifo.indirect_buffers, fifo.indirect_free_count());
        const check::verdict verdict = checker.finish(parked_indices);
        std::string fifo_problem = fifo.check_invariants();
        if (fifo_problem.empty() && parked == 0)
            fifo_problem = fifo.check_drained();

        run_facts facts(cfg, top, recorder);
        facts.input_name = prep.input_name;
        facts.learned = prep.learned;
        facts.parked = parked;
        facts.sim_cycles = end_cycle;
        facts.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        facts.checker = check::to_json(verdict);
        facts.checker["fifo_invariants"] = fifo_problem.empty() ? "ok" : fifo_problem;
        const bool pass = verdict.pass && fifo_problem.empty();
        facts.checker["pass"] = pass;
        const nlohmann::json stats = make_stats(facts);
        write_json(opts.outdir + "/stats.json", stats);
        if (!opts.quiet)
            print_summary(stats, opts.outdir);
        if (!pass) {
            std::cerr << "evrsim: checker FAILED: " << verdict.violations << " violation(s)";
            if (!verdict.messages.empty())
                std::cerr << "; first: " << verdict.messages.front();
            if (!fifo_problem.empty())
                std::cerr << "; elastic FIFO: " << fifo_problem;
            std::cerr << "\n";
            return exit_check_failed;
        }
        return exit_ok;
    } catch (const input_error& e) {
        std::cerr << "evrsim: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const sc_core::sc_report& e) {
        // An exception inside an engine (a lockstep mismatch, an RTL assertion, a FIFO
        // protocol error) stops sc_start() as a report carrying its text: a failed run.
        // SystemC wraps it as "uncaught exception: TEXT" plus file and process lines: keep
        // the one line that says what happened.
        std::string msg = e.get_msg() ? e.get_msg() : e.what();
        const std::string wrapper = "uncaught exception: ";
        if (msg.rfind(wrapper, 0) == 0)
            msg.erase(0, wrapper.size());
        msg = msg.substr(0, msg.find('\n'));
        std::cerr << "evrsim: " << msg << " (in "
                  << (e.get_process_name() ? e.get_process_name() : "?") << ")\n";
        return exit_check_failed;
    }
}

} // namespace evr::app
