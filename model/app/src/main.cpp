// evrsim: runs the router model on a trace or the built-in workload (docs/evrsim.md).
#include <cstdlib>

#include <systemc>

#include "evr/app/cli.h"
#include "evr/app/run.h"
#include "run_monitor.h"

int sc_main(int argc, char* argv[]) {
    evr::app::install_stop_signals(); // first: a signal from now on ends the run in order
    // Output is for the user: no note that our own sc_stop() ended the simulation.
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    const evr::app::cli_parse parsed = evr::app::parse_cli(argc, argv);
    if (!parsed.options)
        return parsed.exit_status;
    return evr::app::run(*parsed.options);
}

// Our own entry point, so the kernel banner can be switched off before SystemC starts.
int main(int argc, char* argv[]) {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
