// provenance.json and --version (docs/evrsim.md, "Provenance"): how a run folder was made,
// enough to make it again.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "evr/app/cli.h"
#include "evr/config/config.h"

namespace evr::app {

// "evrsim 0.1.0 (git COMMIT[, uncommitted changes])".
std::string evrsim_version();
// evrsim_version() and the SystemC, Verilator and libpcap versions, a line each.
std::string versions_text();
// The hex SHA-256 of a file's bytes, or "" when it cannot be read.
std::string sha256_of_file(const std::string& path);
// The build, the command line, the input's and config's identity, seed, time and host.
nlohmann::json make_provenance(const cli_options& opts, const config::config& cfg);

} // namespace evr::app
