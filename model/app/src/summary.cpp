#include "summary.h"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace evr::app {

namespace {

std::uint64_t u(const nlohmann::json& j, const char* key) {
    return j.contains(key) ? j[key].get<std::uint64_t>() : 0;
}

// "a 3, b 5" for the non-zero counts of `items`, or "" when all are zero.
std::string nonzero(const std::vector<std::pair<std::string, std::uint64_t>>& items) {
    std::string out;
    for (const auto& [name, n] : items)
        if (n != 0)
            out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + name;
    return out;
}

} // namespace

std::string human_duration(double ns) {
    struct unit {
        double scale;
        const char* name;
    };
    static const unit units[] = {{1e9, "s"}, {1e6, "ms"}, {1e3, "\u00b5s"}, {1, "ns"}};
    char buf[48];
    if (!std::isfinite(ns) || ns < 0)
        return "?";
    if (ns >= 1e12) {
        std::snprintf(buf, sizeof buf, "%.0f s", ns / 1e9);
        return buf;
    }
    for (const unit& x : units) {
        if (ns >= x.scale || x.scale == 1) {
            std::snprintf(buf, sizeof buf, "%.4g %s", ns / x.scale, x.name);
            return buf;
        }
    }
    return "?";
}

void print_summary(const nlohmann::json& s, const std::string& outdir,
                   const std::vector<std::string>& outputs) {
    const auto& in = s["input"];
    const auto& d = s["dropped"];
    const auto& by_reason = d["by_reason"];
    std::cerr << "evrsim: " << u(in, "frames") << " frames from " << in["source"].get<std::string>()
              << ", policy " << s["config"]["policy"].get<std::string>() << "\n";
    // What the input did not give as it should: shown before the results it shaped.
    const std::string anomalies = nonzero({{"timestamps clamped", u(in, "clamped_timestamps")},
                                           {"gaps shortened", u(in, "shortened_gaps")},
                                           {"sliced records", u(in, "sliced_records")},
                                           {"oversize", u(by_reason, "oversize")},
                                           {"runt", u(by_reason, "runt")}});
    if (!anomalies.empty())
        std::cerr << "  input anomalies: " << anomalies << " (docs/trace_io.md)\n";
    const auto& paths = s["delivered"]["paths"];
    std::cerr << "  delivered " << u(s["delivered"], "frames") << " frames ("
              << u(s["delivered"], "copies") << " copies: " << u(paths, "direct") << " direct, "
              << u(paths, "stored") << " stored, " << u(paths, "assisted") << " assisted)\n"
              << "  dropped " << u(d, "total");
    std::vector<std::pair<std::string, std::uint64_t>> reasons;
    for (auto it = by_reason.begin(); it != by_reason.end(); ++it)
        reasons.emplace_back(it.key(), it.value().get<std::uint64_t>());
    std::string listed;
    for (const auto& [name, n] : reasons)
        if (n != 0)
            listed += (listed.empty() ? "" : ", ") + name + " " + std::to_string(n);
    if (!listed.empty())
        std::cerr << " (" << listed << ")";
    const auto& ns = s["latency"]["ns"];
    std::cerr << "\n  latency p50 " << human_duration(ns.value("p50", 0.0)) << ", p99 "
              << human_duration(ns.value("p99", 0.0)) << "\n"
              << "  simulated " << human_duration(s["sim"]["time_ns"].get<double>()) << " in "
              << human_duration(s["sim"]["wall_seconds"].get<double>() * 1e9) << " wall\n";
    if (s["checker"].contains("pass"))
        std::cerr << "  checker: " << (s["checker"]["pass"].get<bool>() ? "pass" : "FAIL") << "\n";
    std::cerr << "  outputs: " << outdir << "/ (";
    for (std::size_t i = 0; i < outputs.size(); ++i)
        std::cerr << (i ? ", " : "") << outputs[i];
    std::cerr << ")\n";
}

} // namespace evr::app
