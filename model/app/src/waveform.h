// evrsim --vcd/--fst/--trace-from/--trace-to (docs/waveforms.md): the request checked
// before the run, and the waveform written after it (VCD, FST via vcd2fst, .gtkw).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "evr/app/cli.h"
#include "evr/config/config.h"
#include "evr/router/router.h"
#include "evr/wave/router_waves.h"

namespace evr::app {

// "1500cycles", "800ns", "2.5us", "3ms" -> picoseconds; `flag` names the option in the
// error (evr::input_error). A cycle is `period_ps`.
std::uint64_t parse_time_ps(const std::string& text, const std::string& flag,
                            std::uint64_t period_ps);

struct waveform_request {
    bool wanted = false;
    bool fst = false;
    std::string out_path;  // the file asked for (.vcd or .fst)
    std::string vcd_path;  // the VCD written first (== out_path for --vcd)
    std::string gtkw_path; // next to out_path
    wave::window span;
};

// Checks the options (TIME values, window order, vcd2fst present for --fst); throws
// evr::input_error with one line naming the option.
waveform_request check_waveform_options(const cli_options& opts, const config::config& cfg);

// Starts the waveform on `top` (before sc_start).
std::unique_ptr<wave::router_waves> start_waveform(const waveform_request& req, router::router& top,
                                                   const config::config& cfg,
                                                   const std::vector<std::string>& names);

// Closes the waveform (also after a failed run), converts to FST if asked, writes the
// .gtkw. Returns a one-line problem, or "" when all went well.
std::string finish_waveform(const waveform_request& req, wave::router_waves& waves);

} // namespace evr::app
