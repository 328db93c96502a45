// Error types shared by every evr component, and the exit statuses they map to.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace evr {

// Exit statuses of evrsim (docs/evrsim.md).
enum exit_status : int {
    exit_ok = 0,
    exit_check_failed = 1, // a checker verdict or a lockstep divergence
    exit_bad_input = 2,    // bad usage, trace, config or output location
};

// Input that cannot be simulated: a bad trace, config, option or output path.
// The message is one line that names the file or key and the problem. Messages quote what
// the user wrote (a --set argument, a YAML string, a file name), which may hold line
// breaks: the constructor escapes control characters so the one-line promise holds.
class input_error : public std::runtime_error {
public:
    explicit input_error(const std::string& what) : std::runtime_error(one_line(what)) {}

    // `text` with CR, LF and other control characters (tab excepted) written as \r, \n,
    // \xHH.
    static std::string one_line(const std::string& text);
};

// Builds "FILE: PROBLEM" with the file name quoted as given.
std::string file_problem(const std::string& file, const std::string& problem);

// What stopped a run from inside the simulation (a lockstep divergence, an RTL assertion,
// a trace that breaks mid-file). SystemC turns an exception thrown in a process into an
// sc_report carrying only its text, so the thrower records the facts here first and
// evrsim reads them back when sc_start() fails, for stats.json's "failure" and the exit
// status. Only the first failure of a run is kept: it is the cause, the rest follow.
struct run_failure {
    std::string kind; // lockstep_mismatch, rtl_assertion, bad_input
    std::uint64_t cycle = 0;
    std::string command;  // the elastic-FIFO command, when one was involved
    std::string expected; // what the reference answered
    std::string actual;   // what the RTL answered
    std::string message;  // the one line evrsim prints
};
void record_failure(run_failure failure);
const std::optional<run_failure>& recorded_failure();
void clear_failure();

} // namespace evr
