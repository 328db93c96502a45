// evrsim command line (docs/evrsim.md): parsed by CLI11 into plain options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evr::app {

struct cli_options {
    std::optional<std::string> trace; // pcap/pcapng; none = built-in workload
    std::string config_file;          // empty = defaults only
    std::string outdir = "evr-out";
    std::vector<std::string> sets; // "key=value", applied in order after the file
    std::optional<std::string> fifo;
    std::optional<std::string> policy;
    std::optional<std::string> replay;
    std::optional<std::string> vcd;
    std::optional<std::string> fst;
    std::optional<std::string> trace_from;
    std::optional<std::string> trace_to;
    std::optional<std::uint64_t> seed;
    std::optional<std::uint64_t> max_packets;
    std::optional<double> progress_seconds; // --progress: a line per interval, any stderr
    bool quiet = false;
    bool print_config = false;
    bool force = false;            // replace an earlier run folder
    std::vector<std::string> argv; // the command line as given, for provenance.json
};

// Result of parsing: either options to run with, or an exit status to leave with
// (after --help/--version, or a usage error already reported on stderr).
struct cli_parse {
    std::optional<cli_options> options;
    int exit_status = 0;
};

cli_parse parse_cli(int argc, const char* const* argv);

// The "--set key=value" list equivalent to the dedicated flags (--fifo, --policy, ...),
// appended after the user's own --set entries so a flag wins over a --set of the same key.
std::vector<std::string> effective_sets(const cli_options& opts);

} // namespace evr::app
