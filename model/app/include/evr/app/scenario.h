// Turns the configuration and the input (a trace or the built-in workload) into the
// router's scenario: connections (configured, or learned from the trace), multicast
// groups, VM behaviour, stall episodes and the frame source.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "evr/config/config.h"
#include "evr/ingress/frame_source.h"
#include "evr/router/router.h"

namespace evr::app {

struct prepared_scenario {
    router::scenario scenario;
    std::unique_ptr<ingress::frame_source> source;
    bool learned = false;   // connections learned from the trace
    std::string input_name; // trace path or "built-in workload"
    std::vector<std::string> names;
};

prepared_scenario prepare_scenario(const config::config& cfg,
                                   const std::optional<std::string>& trace_path);

} // namespace evr::app
