// The few lines evrsim prints at the end of a run (docs/evrsim.md, "Summary").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace evr::app {

// A duration in the unit that keeps it readable: "812 ns", "4.213 µs", "50.14 ms",
// "3.257 s" (4 significant digits; whole seconds from 1000 s on).
std::string human_duration(double ns);

// Prints the summary of stats.json `s` on stderr: input and its anomalies, deliveries by
// path, drops by reason, latency, simulated and wall time, the checker and the outputs.
// `outputs` names the files the run wrote.
void print_summary(const nlohmann::json& s, const std::string& outdir,
                   const std::vector<std::string>& outputs);

} // namespace evr::app
