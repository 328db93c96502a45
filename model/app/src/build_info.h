// What this evrsim was built from (generated at build time by cmake/build_info.cmake).
#pragma once

namespace evr::app {

extern const char* const build_version;   // the project version (CMakeLists.txt)
extern const char* const build_commit;    // git commit of the source tree, or "unknown"
extern const bool build_dirty;            // the tree had uncommitted changes
extern const char* const build_verilator; // the Verilator that built the RTL FIFO

} // namespace evr::app
