#include "waveform.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "evr/common/error.h"

extern char** environ;

namespace evr::app {

namespace {

namespace fs = std::filesystem;

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    if (!path)
        return false;
    std::string dirs = path;
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = dirs.substr(start, end - start);
        const std::string full = (dir.empty() ? "." : dir) + "/" + program;
        if (::access(full.c_str(), X_OK) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

// Runs a program without a shell (paths may hold any character); returns its status.
int run_program(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // vcd2fst reports progress on stdout: keep evrsim's own output clean.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return -1;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

} // namespace

std::uint64_t parse_time_ps(const std::string& text, const std::string& flag,
                            std::uint64_t period_ps) {
    const std::string what =
        flag + ": '" + text + "' is not a TIME (a number and a unit: 1500cycles, 800ns, 20us, 3ms)";
    std::size_t pos = 0;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
        ++pos;
    const std::string number = text.substr(0, pos);
    std::string unit = text.substr(pos);
    while (!unit.empty() && unit.front() == ' ')
        unit.erase(0, 1);
    if (number.empty() || number == "." || number.find('.') != number.rfind('.'))
        throw input_error(what);
    double scale = 0;
    if (unit == "cycles" || unit == "cycle") {
        if (number.find('.') != std::string::npos)
            throw input_error(flag + ": '" + text + "': cycles are whole numbers");
        scale = static_cast<double>(period_ps);
    } else if (unit == "ns") {
        scale = 1e3;
    } else if (unit == "us") {
        scale = 1e6;
    } else if (unit == "ms") {
        scale = 1e9;
    } else {
        throw input_error(what);
    }
    const double ps = std::stod(number) * scale;
    if (!std::isfinite(ps) || ps > 1.8e19)
        throw input_error(flag + ": '" + text + "' is beyond the end of simulated time");
    return static_cast<std::uint64_t>(std::llround(ps));
}

waveform_request check_waveform_options(const cli_options& opts, const config::config& cfg) {
    waveform_request req;
    if (!opts.vcd && !opts.fst) {
        if (opts.trace_from || opts.trace_to)
            throw input_error(std::string(opts.trace_from ? "--trace-from" : "--trace-to") +
                              ": needs --vcd FILE or --fst FILE");
        return req;
    }
    req.wanted = true;
    req.fst = opts.fst.has_value();
    req.out_path = req.fst ? *opts.fst : *opts.vcd;
    const char* flag = req.fst ? "--fst" : "--vcd";
    if (req.out_path.empty())
        throw input_error(std::string(flag) + ": empty file name");
    if (!waves_built)
        throw input_error(std::string(flag) +
                          ": this evrsim was built without waveforms (EVR_WAVES=OFF)");
    req.vcd_path = req.fst ? req.out_path + ".vcd.tmp" : req.out_path;
    req.gtkw_path = fs::path(req.out_path).replace_extension(".gtkw").string();
    if (req.gtkw_path == req.out_path)
        req.gtkw_path += ".gtkw";
    const auto period_ps = static_cast<std::uint64_t>(std::llround(1e6 / cfg.clock.freq_mhz));
    if (opts.trace_from)
        req.span.from_ps = parse_time_ps(*opts.trace_from, "--trace-from", period_ps);
    if (opts.trace_to)
        req.span.to_ps = parse_time_ps(*opts.trace_to, "--trace-to", period_ps);
    if (req.span.to_ps < req.span.from_ps)
        throw input_error("--trace-to: " + *opts.trace_to + " is before --trace-from " +
                          *opts.trace_from);
    if (req.fst && !on_path("vcd2fst"))
        throw input_error("--fst: needs vcd2fst (Debian package gtkwave) on PATH; or write "
                          "--vcd FILE");
    return req;
}

std::unique_ptr<wave::router_waves> start_waveform(const waveform_request& req, router::router& top,
                                                   const config::config& cfg,
                                                   const std::vector<std::string>& names) {
    wave::wave_options o;
    o.vcd_path = req.vcd_path;
    o.span = req.span;
    o.names = names;
    o.class_bytes = cfg.fifo.buffer_classes;
    o.connections =
        wave::select_connections(cfg.output.wave_connections, names, "output.wave_connections");
    try {
        return std::make_unique<wave::router_waves>(top, o);
    } catch (const input_error&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw input_error(std::string(req.fst ? "--fst" : "--vcd") + ": " + e.what());
    }
}

std::string finish_waveform(const waveform_request& req, wave::router_waves& waves) {
    try {
        waves.close();
    } catch (const std::exception& e) {
        return e.what();
    }
    if (req.fst) {
        std::remove(req.out_path.c_str());
        const int rc = run_program({"vcd2fst", req.vcd_path, req.out_path});
        if (rc != 0)
            return req.out_path + ": vcd2fst failed (status " + std::to_string(rc) +
                   "); the VCD is kept in " + req.vcd_path;
        std::remove(req.vcd_path.c_str());
    }
    std::error_code ec;
    const fs::path abs = fs::absolute(req.out_path, ec);
    try {
        waves.write_gtkw(req.gtkw_path, ec ? req.out_path : abs.string());
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

} // namespace evr::app
