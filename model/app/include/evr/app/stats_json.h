// stats.json (schema: docs/evrsim.md): what a run did, in one document.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "evr/config/config.h"
#include "evr/output/run_recorder.h"
#include "evr/router/router.h"

namespace evr::app {

struct run_facts {
    run_facts(const config::config& c, const router::router& r, const output::run_recorder& rec)
        : cfg(c), router(r), recorder(rec) {}
    const config::config& cfg;
    const router::router& router;
    const output::run_recorder& recorder;
    std::string input_name;
    bool learned = false;
    bool complete = true;
    std::string incomplete_reason;
    std::uint64_t parked = 0;
    nlohmann::json checker;
    nlohmann::json failure; // null, or what stopped the run (kind, cycle, command, ...)
    std::uint64_t sim_cycles = 0;
    double wall_seconds = 0;
};

// stats.json's tree, with the string connections_placeholder where the per-connection
// array goes; stats_text() gives the file's text with the entries written in.
inline constexpr const char* connections_placeholder = "<per-connection entries>";
nlohmann::json make_stats(const run_facts& facts);
// nullopt when `stop` said so while the per-connection entries were being written.
std::optional<std::string> stats_text(const nlohmann::json& stats, const run_facts& facts,
                                      const std::function<bool()>& stop = {});

} // namespace evr::app
