#include "evr/app/run.h"

#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <sys/resource.h>
#include <unistd.h>

#include <systemc>

#include "evr/app/scenario.h"
#include "evr/app/stats_json.h"
#include "evr/check/checker.h"
#include "evr/common/error.h"
#include "evr/config/config.h"
#include "evr/output/run_folder.h"
#include "evr/output/run_recorder.h"
#include "evr/output/timeline_sampler.h"
#include "evr/router/router.h"
#include "provenance.h"
#include "run_monitor.h"
#include "summary.h"
#include "waveform.h"

namespace evr::app {

namespace {

// The run folder holds only what evrsim writes: a waveform written into it would be
// mixed into the run's outputs (or be one of them), and an input inside it would be
// deleted by --force before it is read.
void check_outside_outdir(const cli_options& opts, const waveform_request& wave) {
    const auto inside = [&](const std::string& p) {
        return output::run_folder::contains(opts.outdir, p);
    };
    if (wave.wanted && (inside(wave.out_path) || inside(wave.gtkw_path)))
        throw input_error(std::string(wave.fst ? "--fst" : "--vcd") + ": " + wave.out_path +
                          " is inside the output folder " + opts.outdir +
                          ", which holds only the run's own files; write the waveform beside it");
    if (opts.trace && inside(*opts.trace))
        throw input_error(
            file_problem(*opts.trace, "is inside the output folder " + opts.outdir +
                                          ", which a run replaces; move it out first"));
    if (!opts.config_file.empty() && inside(opts.config_file))
        throw input_error(
            file_problem(opts.config_file, "is inside the output folder " + opts.outdir +
                                               ", which a run replaces; copy it out first (cp " +
                                               opts.config_file + " my.yaml)"));
}

// The files a run writes, as the summary lists them.
std::vector<std::string> written_outputs(const config::config& cfg) {
    std::vector<std::string> names = {"stats.json", "provenance.json", "config.yaml"};
    if (cfg.output.packets_csv)
        names.push_back("packets.csv");
    if (cfg.output.timeline)
        names.push_back("timeline.csv");
    if (cfg.output.conn_pcaps)
        names.push_back("conn/*.pcap");
    if (cfg.output.dropped_pcap) {
        names.push_back("dropped.pcap");
        names.push_back("dropped.csv");
    }
    return names;
}

// stats.json grows with the connections (each with its latency percentiles); measured
// at about 0.9 KB per connection with the default percentiles, plus 6 KB.
std::size_t stats_bytes_estimate(std::size_t connections, std::size_t percentiles) {
    return 8192 + connections * (768 + 96 * percentiles);
}

// One pcap per connection may be open at once: take the whole descriptor allowance.
// Every connection that receives a frame keeps its pcap open to the end of the run. The
// soft limit is raised to the hard one; a table that could still outgrow it is refused now
// rather than failing a delivery after hours of simulation.
void check_fd_budget(const config::config& cfg, std::size_t connections) {
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return;
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    constexpr std::size_t others = 64; // trace, CSVs, waveforms, the folder, the library's own
    if (cfg.output.conn_pcaps && lim.rlim_cur != RLIM_INFINITY &&
        connections + others > lim.rlim_cur)
        throw input_error("output.conn_pcaps: " + std::to_string(connections) +
                          " connections may each need an open pcap, but this process may "
                          "open only " +
                          std::to_string(lim.rlim_cur) +
                          " files (ulimit -n); raise the limit or set output.conn_pcaps=false");
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

// What a signal cost the outputs when the writer had not caught up (recorder_options).
std::string unwritten_text(std::uint64_t records) {
    return std::to_string(records) +
           " output records the writer had not reached are not written (deliveries, drops "
           "and packets.csv rows; the files hold whole records)";
}

// One simulation from the moment its run folder exists: every way it can end (complete,
// interrupted, failed) closes the outputs, writes stats.json and moves the folder's files
// into place, so a harness always finds a stats.json that says how the run ended.
struct session {
    const cli_options& opts;
    const config::config& cfg;
    const prepared_scenario& prep;
    output::run_folder& folder;
    const router::router& top;
    output::run_recorder& recorder;
    output::timeline_sampler* timeline;
    std::chrono::steady_clock::time_point wall_start;

    run_facts facts(core::cycle_t end_cycle) const {
        run_facts f(cfg, top, recorder);
        f.input_name = prep.input_name;
        f.learned = prep.learned;
        f.sim_cycles = end_cycle;
        f.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
        return f;
    }

    // Closes the recorder and the timeline (each file cut back to whole records on a
    // failed disk); returns the first write failure, or "".
    std::string close_outputs(core::cycle_t end_cycle) {
        std::string problem = recorder.write_error();
        const auto keep = [&](auto&& close_one) {
            try {
                close_one();
            } catch (const input_error& e) {
                if (problem.empty())
                    problem = e.what();
            }
        };
        keep([&] { recorder.close(); });
        if (timeline) {
            keep([&] { timeline->finish(end_cycle); });
            if (timeline->file_lost())
                folder.remove("timeline.csv");
        }
        return problem;
    }

    void publish(const nlohmann::json& stats, const run_facts& f) {
        folder.write_whole(output::run_folder::stats_name, *stats_text(stats, f));
        folder.publish();
    }

    // The end of a run that finished: a signal while the report is written still ends
    // evrsim within the second. The outputs are closed and whole by then; stats.json says
    // it is incomplete and leaves the per-connection entries out. Returns the signal, or 0.
    int publish_interruptible(nlohmann::json stats, const run_facts& f) {
        // A signal while the outputs were closed made the writer skip what it had not
        // reached: the run is incomplete whether or not the report is still interrupted.
        const std::uint64_t unwritten = recorder.unwritten_records();
        std::optional<std::string> text;
        if (!unwritten)
            text = stats_text(stats, f, [] { return stop_signal() != 0; });
        const int sig = text ? 0 : stop_signal();
        if (!text) {
            stats["complete"] = false;
            stats["incomplete_reason"] =
                "interrupted by " + signal_name(sig) +
                (unwritten ? " while closing the outputs; " + unwritten_text(unwritten)
                           : std::string(" while writing the end-of-run report; the outputs "
                                         "are whole")) +
                ", the per-connection entries are left out";
            if (unwritten)
                stats["unwritten_records"] = unwritten;
            stats["connections"] = nlohmann::json::array();
            text = stats.dump(2) + "\n";
        }
        folder.write_whole(output::run_folder::stats_name, *text);
        folder.publish();
        if (sig)
            std::cerr << "evrsim: " << stats["incomplete_reason"].get<std::string>()
                      << "; outputs in " << opts.outdir << " (stats.json: complete=false)\n";
        return sig;
    }

    // A run that did not finish: stats.json says why, and the exit status tells the kind.
    int fail(const std::string& kind, const std::string& message, int status,
             core::cycle_t end_cycle) {
        const std::string close_problem = close_outputs(end_cycle);
        run_facts f = facts(end_cycle);
        f.complete = false;
        f.incomplete_reason = message;
        f.failure = {{"kind", kind}, {"cycle", end_cycle}, {"message", message}};
        // What the thrower knew: the command's own cycle and the two answers. A trace
        // record read by the adapter has no cycle of its own: the run's end stands.
        if (const auto& r = recorded_failure(); r && r->kind == kind) {
            if (!r->command.empty())
                f.failure["cycle"] = r->cycle;
            for (const auto& [key, value] :
                 {std::pair{"command", &r->command}, std::pair{"expected", &r->expected},
                  std::pair{"actual", &r->actual}})
                if (!value->empty())
                    f.failure[key] = *value;
        }
        if (!close_problem.empty() && close_problem != message)
            f.failure["outputs"] = close_problem;
        f.checker = {{"skipped", "run failed"}};
        std::string also;
        try {
            publish(make_stats(f), f);
        } catch (const input_error& e) {
            also = " (and no stats.json: " + std::string(e.what()) + ")"; // still one line
        }
        std::cerr << "evrsim: " << message << also << "\n";
        return status;
    }

    // SIGINT/SIGTERM/SIGHUP: what was written stays valid and says it is partial. Frames
    // still in flight are neither delivered nor dropped, so packets.csv has no row for
    // them and the checker's verdict would be meaningless: it is skipped, not faked.
    int interrupted(int sig, core::cycle_t end_cycle) {
        const std::uint64_t in_flight = recorder.open_frames();
        const std::string problem = close_outputs(end_cycle);
        if (!problem.empty())
            return fail("write_error", problem, exit_bad_input, end_cycle);
        const std::string name = signal_name(sig);
        run_facts f = facts(end_cycle);
        f.complete = false;
        const std::uint64_t unwritten = recorder.unwritten_records();
        f.incomplete_reason = std::string("interrupted by ") + name + " at cycle " +
                              std::to_string(end_cycle) + "; " + std::to_string(in_flight) +
                              " frames in flight are not in the outputs";
        if (unwritten)
            f.incomplete_reason += "; " + unwritten_text(unwritten);
        f.checker = {{"skipped", "run interrupted"}};
        nlohmann::json stats = make_stats(f);
        if (unwritten)
            stats["unwritten_records"] = unwritten;
        // The user asked to stop: a per-connection table that takes longer than half a
        // second to write (a million connections) is left out rather than waited for.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        std::optional<std::string> text =
            stats_text(stats, f, [give_up] { return std::chrono::steady_clock::now() > give_up; });
        if (!text) {
            f.incomplete_reason += "; the per-connection entries are left out (they took over "
                                   "half a second to write)";
            stats["incomplete_reason"] = f.incomplete_reason;
            stats["connections"] = nlohmann::json::array();
            text = stats.dump(2) + "\n";
        }
        folder.write_whole(output::run_folder::stats_name, *text);
        folder.publish();
        std::cerr << "evrsim: " << f.incomplete_reason << "; outputs in " << opts.outdir
                  << (unwritten ? "" : " cover the frames resolved so far")
                  << " (stats.json: complete=false)\n";
        return 128 + sig;
    }

    int completed(check::checker& checker, core::cycle_t end_cycle) {
        const std::vector<std::uint64_t> parked_indices = recorder.open_indices();
        const std::uint64_t parked = parked_indices.size();
        recorder.park_open_frames(end_cycle);
        const std::string problem = close_outputs(end_cycle);
        if (!problem.empty())
            return fail("write_error", problem, exit_bad_input, end_cycle);

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

        run_facts f = facts(end_cycle);
        f.parked = parked;
        f.checker = check::to_json(verdict);
        f.checker["fifo_invariants"] = fifo_problem.empty() ? "ok" : fifo_problem;
        const bool pass = verdict.pass && fifo_problem.empty();
        f.checker["pass"] = pass;
        if (!pass) {
            std::string first = verdict.messages.empty() ? fifo_problem : verdict.messages.front();
            f.failure = {{"kind", "checker"}, {"cycle", end_cycle}, {"message", first}};
        }
        const nlohmann::json stats = make_stats(f);
        if (const int sig = publish_interruptible(stats, f))
            return 128 + sig;
        if (!opts.quiet)
            print_summary(stats, opts.outdir, written_outputs(cfg));
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
    }
};

// Head room for the way out of an out-of-memory failure: the first allocation that fails
// frees it and throws, so unwinding (closing files, moving the run folder's files into
// place, printing the line) has memory to do so. Untouched pages: it costs no RSS.
char* g_headroom = nullptr;
constexpr std::size_t headroom_bytes = std::size_t{16} << 20;

void release_headroom() {
    delete[] g_headroom;
    g_headroom = nullptr;
    std::set_new_handler(nullptr);
    throw std::bad_alloc();
}

// What a run that ran out of memory tells its user (one line, exit 2).
const std::string memory_hint =
    "the configuration and input need more memory than this process may use (ulimit -v, "
    "the machine); docs/reliability.md, \"Memory\"";

// An exception inside an engine (a lockstep mismatch, an RTL assertion, a FIFO protocol
// error, a trace record that cannot be read) stops sc_start() as a report carrying its
// text. SystemC wraps it as "uncaught exception: TEXT" plus file and process lines: keep
// the one line that says what happened.
std::string report_line(const sc_core::sc_report& e) {
    std::string msg = e.get_msg() ? e.get_msg() : e.what();
    const std::string wrapper = "uncaught exception: ";
    if (msg.rfind(wrapper, 0) == 0)
        msg.erase(0, wrapper.size());
    return msg.substr(0, msg.find('\n'));
}

int simulate(const cli_options& opts, const config::config& cfg, const waveform_request& wave_req,
             prepared_scenario& prep, output::run_folder& folder) {
    const auto wall_start = std::chrono::steady_clock::now();
    router::router top("router", cfg, prep.scenario);
    output::recorder_options ro;
    ro.folder = &folder;
    ro.conn_pcaps = cfg.output.conn_pcaps;
    ro.dropped_pcap = cfg.output.dropped_pcap;
    ro.packets_csv = cfg.output.packets_csv;
    ro.abandon = [] { return stop_signal() != 0; };
    const ingress::adapter* ad = &top.adapter();
    output::run_recorder recorder(ro, prep.names,
                                  [ad](core::cycle_t c) { return ad->to_trace_ns(c); });
    check::checker checker(
        prep.scenario.connections, prep.scenario.groups, prep.scenario.default_connection,
        cfg.router.ordering == config::ordering_mode::strict ? check::ordering_mode::strict
                                                             : check::ordering_mode::connection);
    // The checker listens first: it must see each input before the recorder's drops.
    top.add_listener(&checker);
    top.add_listener(&recorder);
    top.open_frames = [&recorder]() { return recorder.open_frames(); };
    std::unique_ptr<output::timeline_sampler> timeline;
    if (cfg.output.timeline) {
        timeline = std::make_unique<output::timeline_sampler>(
            "timeline", top.clock(), timeline_interval_cycles(cfg), folder.create("timeline.csv"),
            folder.display("timeline.csv"), [&top]() { return levels_of(top); });
        top.add_listener(timeline.get());
    }

    std::optional<std::uint64_t> expected;
    if (!opts.trace)
        expected = cfg.replay.max_packets ? std::min(cfg.replay.max_packets, cfg.workload.frames)
                                          : cfg.workload.frames;
    run_monitor monitor(top.clock(), !opts.quiet, opts.progress_seconds, expected);
    top.add_listener(&monitor);

    // Waveform (docs/waveforms.md): nothing is attached unless it is asked for.
    std::unique_ptr<wave::router_waves> waves;
    if (wave_req.wanted)
        waves = start_waveform(wave_req, top, cfg, prep.names);
    session run{opts, cfg, prep, folder, top, recorder, timeline.get(), wall_start};
    std::optional<std::string> failed;
    try {
        sc_core::sc_start();
    } catch (const sc_core::sc_report& e) {
        std::string where = e.get_process_name() ? e.get_process_name() : "?";
        failed = report_line(e) + " (in " + where + ")";
    }
    const core::cycle_t end_cycle = top.clock().now();
    monitor.clear_line();
    // A failed run leaves a waveform that ends where it stopped.
    const std::string wave_problem = waves ? finish_waveform(wave_req, *waves) : "";
    if (failed && failed->find("bad_alloc") != std::string::npos && !recorded_failure())
        return run.fail("out_of_memory", "out of memory while simulating; " + memory_hint,
                        exit_bad_input, end_cycle);
    if (failed) {
        const auto& r = recorded_failure();
        const bool bad_input = r && r->kind == "bad_input";
        return run.fail(r ? r->kind : "simulation_error", bad_input ? r->message : *failed,
                        bad_input ? exit_bad_input : exit_check_failed, end_cycle);
    }
    if (!wave_problem.empty())
        return run.fail("write_error", wave_problem, exit_bad_input, end_cycle);
    if (const int sig = monitor.interrupted_by())
        return run.interrupted(sig, end_cycle);
    return run.completed(checker, end_cycle);
}

} // namespace

int run(const cli_options& opts) {
    clear_failure();
    std::signal(SIGXFSZ, SIG_IGN); // a file-size limit becomes a write error, not a kill
    install_stop_signals();
    if (!g_headroom) {
        g_headroom = new char[headroom_bytes];
        std::set_new_handler(release_headroom);
    }
    try {
        const config::config cfg = config::load_config(opts.config_file, effective_sets(opts));
        if (opts.print_config) {
            std::cout << config::to_yaml(cfg);
            return exit_ok;
        }
        const waveform_request wave_req = check_waveform_options(opts, cfg);
        check_outside_outdir(opts, wave_req);
        prepared_scenario prep = prepare_scenario(cfg, opts.trace);
        check_fd_budget(cfg, prep.names.size());
        const nlohmann::json provenance = make_provenance(opts, cfg); // hashes the input
        // Nothing is touched in the output folder before everything above is checked.
        output::run_folder folder(opts.outdir, opts.force);
        folder.write_whole("config.yaml", config::to_yaml(cfg));
        folder.write_whole("provenance.json", provenance.dump(2) + "\n");
        // stats.json is what a harness reads first, above all after a failure: its space
        // is taken now, so a disk that fills during the run cannot also cost the report.
        folder.reserve(
            output::run_folder::stats_name,
            stats_bytes_estimate(prep.names.size(), cfg.output.latency_percentiles.size()));
        return simulate(opts, cfg, wave_req, prep, folder);
    } catch (const input_error& e) {
        std::cerr << "evrsim: " << e.what() << "\n";
        return exit_bad_input;
    } catch (const std::bad_alloc&) {
        std::cerr << "evrsim: out of memory while setting up the run; " << memory_hint << "\n";
        return exit_bad_input;
    } catch (const interrupted_error& e) {
        std::cerr << "evrsim: interrupted by " << signal_name(e.signal)
                  << " before the simulation started; nothing was written\n";
        return 128 + e.signal;
    }
}

} // namespace evr::app
