// One evrsim run: configuration, outputs, elaboration, simulation, verdict.
#pragma once

#include "evr/app/cli.h"

namespace evr::app {

// Returns the process exit status (docs/evrsim.md).
int run(const cli_options& opts);

} // namespace evr::app
