#include "evr/app/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "provenance.h"

namespace evr::app {

namespace {

constexpr const char* description =
    "evrsim: cycle-accurate model of the elastic-FIFO Ethernet virtualization router\n"
    "(US 7,751,400). Replays a pcap/pcapng trace, or a built-in workload when no trace\n"
    "is given, and writes stats.json, packets.csv, conn/<name>.pcap and dropped.pcap\n"
    "to OUTDIR.\n";

constexpr const char* footer =
    "Exit status: 0 success; 1 a checker or lockstep failure; 2 bad input, usage or an\n"
    "output that cannot be written; 128+N stopped by signal N (130 Ctrl-C).\n"
    "TIME takes a unit: 1500cycles, 800ns, 20us, 3ms.\n"
    "Reference: docs/evrsim.md (options, outputs), docs/config.md (every config key).";

} // namespace

cli_parse parse_cli(int argc, const char* const* argv) {
    CLI::App app{description, "evrsim"};
    app.footer(footer);
    app.set_version_flag("--version", versions_text());
    cli_options o;

    app.add_option("trace", o.trace, "Input trace (pcap or pcapng, Ethernet linktype; - = stdin)")
        ->type_name("TRACE.pcap|.pcapng");
    app.add_option("-c,--config", o.config_file, "YAML configuration file")
        ->type_name("CONFIG.yaml");
    app.add_option("-o,--outdir", o.outdir,
                   "Output folder: new, empty, or an earlier run folder with --force")
        ->type_name("OUTDIR")
        ->capture_default_str();
    app.add_option("--set", o.sets, "Override a config key, e.g. --set sram.size_bytes=1048576")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    app.add_option("--fifo", o.fifo, "Elastic FIFO back end (config fifo.backend)")
        ->check(CLI::IsMember({"tlm", "rtl", "lockstep"}))
        ->type_name("tlm|rtl|lockstep");
    app.add_option("--policy", o.policy, "Router policy (config router.policy)")
        ->check(CLI::IsMember({"elastic", "hol", "drop"}))
        ->type_name("elastic|hol|drop");
    auto* vcd = app.add_option("--vcd", o.vcd, "Write a VCD waveform")->type_name("FILE");
    auto* fst = app.add_option("--fst", o.fst, "Write an FST waveform")->type_name("FILE");
    vcd->excludes(fst);
    app.add_option("--trace-from", o.trace_from, "Start of the waveform window")->type_name("TIME");
    app.add_option("--trace-to", o.trace_to, "End of the waveform window")->type_name("TIME");
    app.add_option("--replay", o.replay, "Trace timing (config replay.mode)")
        ->check(CLI::IsMember({"timestamps", "linerate"}))
        ->type_name("timestamps|linerate");
    // NonNegativeNumber: CLI11 reads "-1" into an unsigned as 2^64-1, while the config
    // rules say negative numbers are errors, never wrapped.
    app.add_option("--seed", o.seed, "Random seed (config seed)")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--max-packets", o.max_packets,
                   "Stop after N input frames (config "
                   "replay.max_packets)")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("-q,--quiet", o.quiet, "No summary or progress output");
    app.add_flag("--force", o.force, "Replace the earlier run in OUTDIR (nothing of it survives)");
    app.add_option("--progress", o.progress_seconds,
                   "A progress line every SECONDS of wall time, also when stderr is not a "
                   "terminal (Slurm logs)")
        ->type_name("SECONDS")
        ->check(CLI::Range(0.1, 86400.0));
    app.add_flag("--print-config", o.print_config,
                 "Print the effective configuration as YAML and exit");

    cli_parse result;
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        result.exit_status = app.exit(e);
        return result;
    } catch (const CLI::CallForVersion& e) {
        result.exit_status = app.exit(e);
        return result;
    } catch (const CLI::ParseError& e) {
        // One line, as for every other bad input; CLI11's own exit() prints a hint block.
        std::cerr << "evrsim: " << e.what() << " (see evrsim --help)\n";
        result.exit_status = 2;
        return result;
    }
    if (o.trace && *o.trace == "-")
        o.trace = "/dev/stdin"; // the usual spelling of "read the trace from standard input"
    o.argv.assign(argv, argv + argc);
    result.options = std::move(o);
    return result;
}

std::vector<std::string> effective_sets(const cli_options& opts) {
    std::vector<std::string> sets = opts.sets;
    if (opts.fifo)
        sets.push_back("fifo.backend=" + *opts.fifo);
    if (opts.policy)
        sets.push_back("router.policy=" + *opts.policy);
    if (opts.replay)
        sets.push_back("replay.mode=" + *opts.replay);
    if (opts.seed)
        sets.push_back("seed=" + std::to_string(*opts.seed));
    if (opts.max_packets)
        sets.push_back("replay.max_packets=" + std::to_string(*opts.max_packets));
    return sets;
}

} // namespace evr::app
